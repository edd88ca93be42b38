import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { enqueue, tryEnqueue } from "~/jobs/queues.server";
import { logger } from "~/logger.server";
import { shopsWithCollections } from "~/models/collection-products.server";

/**
 * One job per shop and set of excluded collections (or per shop and night): a save that changes
 * the set always gets a run even while an older one is active, and repeated saves of the same set
 * collapse into one.
 */
export function collectionSyncJobId(shopDomain: string, key: string): string {
  return `collections-${shopDomain}-${key}`;
}

function fingerprint(collectionIds: readonly string[]): string {
  return createHash("sha256")
    .update([...collectionIds].sort().join(","))
    .digest("hex")
    .slice(0, 16);
}

/**
 * After the merchant saved other collection exclusions. Never waits for Redis (it runs inside the
 * settings request): a request that cannot be queued is logged, and the nightly run syncs the shop.
 */
export async function requestCollectionSync({
  shopDomain,
  collectionIds,
}: {
  shopDomain: string;
  collectionIds: readonly string[];
}): Promise<boolean> {
  const queued = await tryEnqueue(
    "sync-collections",
    { shopDomain },
    { jobId: collectionSyncJobId(shopDomain, fingerprint(collectionIds)) },
  );
  if (!queued) logger().warn({ shop: shopDomain }, "collection sync not requested");
  return queued;
}

/**
 * The nightly run: a sync of every installed shop that excludes collections (or has synced ones to
 * forget), so products added to or removed from them in Shopify are picked up within a day.
 */
export async function requestNightlyCollectionSync(database: Db, now = new Date()): Promise<number> {
  const shops = await shopsWithCollections(database);
  const night = now.toISOString().slice(0, 10);
  for (const shopDomain of shops) {
    await enqueue("sync-collections", { shopDomain }, { jobId: collectionSyncJobId(shopDomain, night) });
  }
  return shops.length;
}
