import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { enqueue, tryEnqueue } from "~/jobs/queues.server";
import { shopOfferKey } from "~/lib/offer-token.server";
import { OFFER_DISCOUNT_TITLE } from "~/lib/order-snapshot";
import { type DiscountSettings, readShopSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import { committedSince, monthStart } from "~/models/offer-grants.server";
import { shopsWithOfferDiscounts } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";
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
 * Makes the shop's automatic app discount match its settings and budget: one discount running the
 * offer discount function while discounts are on, with the shop's offer key, the percent cap (0
 * while the month's budget is spent, so the function gives nothing) and how it combines in its
 * metafield; none while they are off. A shop's runs take turns (an advisory lock), and each step is
 * safe to repeat: the id is stored once Shopify answers, a run interrupted before that finds the
 * discount again by its title (as it finds any stray one, deleted), and a discount deleted in the
 * admin is created anew.
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
  const { result, changed } = await database.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`offer-discount:${shopDomain}`}, 0))`;
      const shop = await tx.shop.findUnique({
        where: { domain: shopDomain },
        select: { id: true, uninstalledAt: true, settings: true, offerDiscountId: true },
      });
      if (!shop || shop.uninstalledAt) return { result: "unchanged" as const, changed: false };
      const { discounts } = readShopSettings(shop.settings);
      const found = await findOfferDiscounts(admin, {
        title: OFFER_DISCOUNT_TITLE,
        appKey: env().SHOPIFY_API_KEY,
      });
      const known = [...new Set([...(shop.offerDiscountId ? [shop.offerDiscountId] : []), ...found])];
      const record = async (offerDiscountId: string | null) => {
        if (offerDiscountId === shop.offerDiscountId) return false;
        await tx.shop.update({ where: { id: shop.id }, data: { offerDiscountId } });
        return true;
      };

      if (!discounts.enabled) {
        for (const id of known) await deleteOfferDiscount(admin, id);
        if (known.length > 0) log.info({ deleted: known.length }, "offer discount deleted");
        const changed = await record(null);
        return { result: known.length > 0 ? ("deleted" as const) : ("unchanged" as const), changed };
      }

      const committed = await committedSince(tx, { shopId: shop.id, since: monthStart(now), now });
      const open = committed < discounts.monthlyBudget;
      const wanted = appDiscount(shopDomain, discounts, open);
      const [current, ...extra] = known;
      // Two of ours would give an offer's line its discount twice over, if the merchant let them combine.
      for (const id of extra) await deleteOfferDiscount(admin, id);
      if (current && (await updateOfferDiscount(admin, current, wanted))) {
        log.info({ open, committed }, "offer discount updated");
        return { result: "updated" as const, changed: await record(current) };
      }
      const id = await createOfferDiscount(admin, wanted, now);
      log.info({ id, open, committed }, "offer discount created");
      return { result: "created" as const, changed: await record(id) };
    },
    { maxWait: 120_000, timeout: 120_000 },
  );
  // Serving offers discounts only while the shop's discount exists.
  if (changed) await announceServingChange(shopDomain);
  return result;
}

/** The discount as the settings want it. */
export function appDiscount(
  shopDomain: string,
  settings: DiscountSettings,
  open: boolean,
): AutomaticAppDiscount {
  return {
    title: OFFER_DISCOUNT_TITLE,
    config: {
      key: shopOfferKey(shopDomain).toString("hex"),
      maxPercent: open ? settings.maxPercent : 0,
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

/** The job id of a shop's sync for one reason: asks for the same reason collapse into one job. */
export function offerDiscountJobId(shopDomain: string, reason: string): string {
  return `offer-discount-${shopDomain}-${reason}`;
}

/** A settings save's reason: what of the settings the discount carries, so a changed save gets a run. */
export function settingsReason(settings: DiscountSettings): string {
  const { enabled, maxPercent, monthlyBudget, combinesWithOrderDiscounts } = settings;
  return createHash("sha256")
    .update(JSON.stringify([enabled, maxPercent, monthlyBudget, combinesWithOrderDiscounts]))
    .digest("hex")
    .slice(0, 12);
}

/**
 * Asks for a sync of the shop's discount. Never waits for Redis (it runs inside a request or after
 * a webhook): a request that cannot be queued is logged, and the nightly run syncs the shop.
 */
export async function requestOfferDiscountSync(shopDomain: string, reason: string): Promise<boolean> {
  const queued = await tryEnqueue(
    "sync-offer-discount",
    { shopDomain },
    { jobId: offerDiscountJobId(shopDomain, reason) },
  );
  if (!queued) logger().warn({ shop: shopDomain, reason }, "offer discount sync not requested");
  return queued;
}

/** After an install or reinstall: a shop whose discounts are on gets its discount (again). */
export async function requestOfferDiscountSyncAtInstall(
  database: Db,
  shopDomain: string,
  now = new Date(),
): Promise<boolean> {
  const shop = await database.shop.findUnique({ where: { domain: shopDomain }, select: { settings: true } });
  const { discounts } = readShopSettings(shop?.settings);
  return discounts.enabled ? requestOfferDiscountSync(shopDomain, `install-${now.getTime()}`) : false;
}

/**
 * After an order our discount took something off: once what the month's orders received and live
 * grants may cost reaches the budget (copied offer ids can be used again until they expire), the
 * shop's discount is closed until the budget has room, by the sync setting its cap to 0.
 */
export async function closeOfferDiscountWhenSpent(
  database: Db,
  { shopId, shopDomain, now = new Date() }: { shopId: string; shopDomain: string; now?: Date },
): Promise<boolean> {
  const shop = await database.shop.findUnique({ where: { id: shopId }, select: { settings: true } });
  const { discounts } = readShopSettings(shop?.settings);
  if (!discounts.enabled) return false;
  const committed = await committedSince(database, { shopId, since: monthStart(now), now });
  if (committed < discounts.monthlyBudget) return false;
  return requestOfferDiscountSync(shopDomain, `spent-${now.toISOString().slice(0, 7)}`);
}

/**
 * The nightly run: a sync of every installed shop whose discounts are on or whose discount still
 * exists, so a new month reopens a spent budget, a discount deleted in the admin comes back, and a
 * shop whose settings predate its discount gets one.
 */
export async function requestNightlyOfferDiscountSync(database: Db, now = new Date()): Promise<number> {
  const shops = await shopsWithOfferDiscounts(database);
  const night = `night-${now.toISOString().slice(0, 10)}`;
  for (const shopDomain of shops)
    await enqueue("sync-offer-discount", { shopDomain }, { jobId: offerDiscountJobId(shopDomain, night) });
  return shops.length;
}
