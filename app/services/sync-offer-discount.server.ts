import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { tryEnqueue } from "~/jobs/queues.server";
import { shopOfferKey } from "~/lib/offer-token.server";
import { OFFER_DISCOUNT_TITLE } from "~/lib/order-snapshot";
import { type DiscountSettings, readShopSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import {
  type AutomaticAppDiscount,
  createOfferDiscount,
  deleteOfferDiscount,
  findOfferDiscounts,
  updateOfferDiscount,
} from "~/shopify/offer-discount.server";

export type SyncResult = "created" | "updated" | "deleted" | "unchanged";

/**
 * Makes the shop's automatic app discount match its settings: one discount running the offer
 * discount function while discounts are on, with the shop's offer key, the percent cap and how it
 * combines in its metafield; none while they are off. Each step is safe to repeat: the id is stored
 * once Shopify answers, a run interrupted before that finds the discount again by its title, and a
 * discount deleted in the admin is created anew.
 */
export async function syncOfferDiscount(
  database: Db,
  {
    shopDomain,
    admin,
    log,
    now = new Date(),
  }: { shopDomain: string; admin: AdminGraphql; log: Logger; now?: Date },
): Promise<SyncResult> {
  const shop = await database.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, uninstalledAt: true, settings: true, offerDiscountId: true },
  });
  if (!shop || shop.uninstalledAt) return "unchanged";
  const { discounts } = readShopSettings(shop.settings);
  const known = shop.offerDiscountId
    ? [shop.offerDiscountId]
    : await findOfferDiscounts(admin, OFFER_DISCOUNT_TITLE);
  const record = (offerDiscountId: string | null) =>
    database.shop.update({ where: { id: shop.id }, data: { offerDiscountId } });

  if (!discounts.enabled) {
    for (const id of known) await deleteOfferDiscount(admin, id);
    if (shop.offerDiscountId) await record(null);
    if (known.length > 0) log.info({ deleted: known.length }, "offer discount deleted");
    return known.length > 0 ? "deleted" : "unchanged";
  }

  const wanted = appDiscount(shopDomain, discounts);
  const [current, ...extra] = known;
  // Two of ours would give an offer's line its discount twice over, if the merchant let them combine.
  for (const id of extra) await deleteOfferDiscount(admin, id);
  if (current && (await updateOfferDiscount(admin, current, wanted))) {
    if (current !== shop.offerDiscountId) await record(current);
    return "updated";
  }
  const id = await createOfferDiscount(admin, wanted, now);
  await record(id);
  log.info({ id }, "offer discount created");
  return "created";
}

/** The discount as the settings want it. */
export function appDiscount(shopDomain: string, settings: DiscountSettings): AutomaticAppDiscount {
  return {
    title: OFFER_DISCOUNT_TITLE,
    config: {
      key: shopOfferKey(shopDomain).toString("hex"),
      maxPercent: settings.maxPercent,
      message: OFFER_DISCOUNT_TITLE,
    },
    combinesWith: {
      orderDiscounts: settings.combinesWithOrderDiscounts,
      // The merchant's own product discounts on other lines keep applying beside an offer's.
      productDiscounts: true,
      shippingDiscounts: true,
    },
  };
}

/**
 * The job id of a shop's sync for these settings: asks for the same settings collapse into one job,
 * and a save that changes them gets a run of its own even while an older one is active.
 */
export function offerDiscountJobId(shopDomain: string, settings: DiscountSettings): string {
  const { enabled, maxPercent, combinesWithOrderDiscounts } = settings;
  const fingerprint = createHash("sha256")
    .update(JSON.stringify([enabled, maxPercent, combinesWithOrderDiscounts]))
    .digest("hex")
    .slice(0, 12);
  return `offer-discount-${shopDomain}-${fingerprint}`;
}

/**
 * After the merchant saved discount settings, or the app was installed. Never waits for Redis (it
 * runs inside a request): a request that cannot be queued is logged, and the next save or
 * install asks again.
 */
export async function requestOfferDiscountSync(
  shopDomain: string,
  settings: DiscountSettings,
): Promise<boolean> {
  const queued = await tryEnqueue(
    "sync-offer-discount",
    { shopDomain },
    { jobId: offerDiscountJobId(shopDomain, settings) },
  );
  if (!queued) logger().warn({ shop: shopDomain }, "offer discount sync not requested");
  return queued;
}

/** After an install or reinstall: a shop whose discounts are on gets its discount (again). */
export async function requestOfferDiscountSyncAtInstall(database: Db, shopDomain: string): Promise<boolean> {
  const shop = await database.shop.findUnique({ where: { domain: shopDomain }, select: { settings: true } });
  const { discounts } = readShopSettings(shop?.settings);
  return discounts.enabled ? requestOfferDiscountSync(shopDomain, discounts) : false;
}
