import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { excludedCollectionIds } from "~/lib/excluded-collections";
import { readShopSettings } from "~/lib/shop-settings";
import { forgetCollectionsExcept, replaceCollectionProducts } from "~/models/collection-products.server";
import { findShop } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { collectionProductIds } from "~/shopify/collections.server";

export interface SyncCollectionsResult {
  /** collections whose products were read and stored */
  synced: number;
  /** collections Shopify does not know; what was stored of them is kept */
  missing: string[];
  /** stored rows of collections the settings no longer exclude, removed */
  forgotten: number;
}

/**
 * Reads from Shopify the products of every collection the shop's settings exclude (from offers or
 * from discounts) and stores them, replacing each collection's stored products as a whole. A
 * collection Shopify does not know keeps what was stored of it: its products stay excluded rather
 * than becoming offerable through a typo or a deleted collection. An Admin API failure throws, for
 * the job to retry, and leaves the collection's stored products as they were. Collections the
 * settings no longer name are forgotten last, against the settings as they are then, so a sync
 * that started before the merchant saved cannot undo a later one.
 */
export async function syncExcludedCollections(
  database: Db,
  { shopDomain, admin, log }: { shopDomain: string; admin: AdminGraphql; log: Logger },
): Promise<SyncCollectionsResult> {
  const result: SyncCollectionsResult = { synced: 0, missing: [], forgotten: 0 };
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt) return result;
  for (const collectionId of excludedCollectionIds(await settingsOf(database, shop.id))) {
    const productIds = await collectionProductIds(admin, collectionId);
    if (productIds === null) {
      result.missing.push(collectionId);
      continue;
    }
    await replaceCollectionProducts(database, { shopId: shop.id, collectionId, productIds });
    result.synced += 1;
  }
  const keep = excludedCollectionIds(await settingsOf(database, shop.id));
  result.forgotten = await forgetCollectionsExcept(database, { shopId: shop.id, keep });
  await announceServingChange(shopDomain);
  if (result.missing.length > 0)
    log.warn({ collections: result.missing }, "excluded collections not found in Shopify; kept as stored");
  log.info({ synced: result.synced, forgotten: result.forgotten }, "excluded collections synced");
  return result;
}

async function settingsOf(database: Db, shopId: string) {
  const stored = await database.shop.findUniqueOrThrow({ where: { id: shopId }, select: { settings: true } });
  return readShopSettings(stored.settings);
}
