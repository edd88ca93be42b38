import type { Db, Prisma } from "~/db.server";
import { AppError } from "~/lib/errors";
import { excludedCollectionIds } from "~/lib/excluded-collections";
import { SettingsFormSchema, settingsErrors } from "~/lib/settings-form";
import { readShopSettings, type ShopSettings } from "~/lib/shop-settings";
import { offerCostCoverage } from "~/models/offer-catalog.server";
import { productTitles } from "~/models/preview-data.server";
import { announceServingChange } from "~/serving/serving.server";
import { requestCollectionSync } from "./request-collection-sync.server";
import { requestOfferDiscountSync, settingsReason } from "./sync-offer-discount.server";

export type SettingsUpdate =
  | { ok: true; settings: ShopSettings }
  | { ok: false; errors: Record<string, string> };

async function storedSettings(database: Db, shopDomain: string) {
  const shop = await database.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, settings: true },
  });
  if (!shop) throw new AppError("NOT_FOUND", `No shop ${shopDomain}.`);
  return { shopId: shop.id, settings: readShopSettings(shop.settings) };
}

/**
 * The settings page: the shop's settings, the titles of the products it excludes (by id), and how
 * many of the products offers can show have a cost from Shopify (the rest assume a share of the price).
 */
export async function getShopSettings(database: Db, shopDomain: string) {
  const { shopId, settings } = await storedSettings(database, shopDomain);
  const ids = [...new Set([...settings.excludedProductIds, ...settings.discounts.excludedProductIds])];
  const [titles, costs] = await Promise.all([
    productTitles(database, { shopId, productIds: ids }),
    offerCostCoverage(database, shopId),
  ]);
  return { settings, productTitles: Object.fromEntries(titles) as Record<string, string>, costs };
}

/**
 * Saves what the merchant submitted, over the stored settings (so a field the form does not show
 * keeps its value), after checking it against the settings schema and the rules between fields.
 * Servers serve the new settings from their next checkout on. Changed collection exclusions ask
 * for a sync of the collections' products, which apply once it has run; changed discount settings
 * ask for a sync of the shop's offer discount in Shopify.
 */
export async function updateShopSettings(
  database: Db,
  { shopDomain, input }: { shopDomain: string; input: Record<string, unknown> },
): Promise<SettingsUpdate> {
  const { shopId, settings } = await storedSettings(database, shopDomain);
  const merged = {
    ...settings,
    ...input,
    discounts: { ...settings.discounts, ...(input.discounts as object | undefined) },
    experiment: { ...settings.experiment, ...(input.experiment as object | undefined) },
    // A segment's form sends that segment alone: the others keep theirs.
    segments: { ...settings.segments, ...(input.segments as object | undefined) },
  };
  const parsed = SettingsFormSchema.safeParse(merged);
  if (!parsed.success) return { ok: false, errors: settingsErrors(parsed.error) };
  await database.shop.update({
    where: { id: shopId },
    data: { settings: parsed.data as unknown as Prisma.InputJsonValue },
  });
  await announceServingChange(shopDomain);
  const collectionIds = excludedCollectionIds(parsed.data);
  if (collectionIds.join() !== excludedCollectionIds(settings).join())
    await requestCollectionSync({ shopDomain, collectionIds });
  const discountReason = settingsReason(parsed.data.discounts);
  if (discountReason !== settingsReason(settings.discounts))
    await requestOfferDiscountSync(shopDomain, discountReason);
  return { ok: true, settings: parsed.data };
}
