import { type Db, hotQuery, type Tx } from "~/db.server";
import type { HistoryEntry } from "~ml";

/** What a server must know to serve a shop: its id, settings and live model version, in one query. */
export async function servingPointer(tx: Tx | Db, shopDomain: string) {
  const [row] = await tx.$queryRaw<
    Array<{ shopId: string; settings: unknown; liveId: string | null; liveVersion: number | null }>
  >`
    SELECT s.id::text AS "shopId", s.settings, v.id::text AS "liveId", v.version AS "liveVersion"
    FROM "Shop" s LEFT JOIN "ModelVersion" v ON v."shopId" = s.id AND v.status = 'live'
    WHERE s.domain = ${shopDomain} AND s."uninstalledAt" IS NULL`;
  return row ?? null;
}

/**
 * A value that changes whenever any of the shop's products is written or deleted (row count and
 * the sum of the rows' transaction ids), so servers re-read the sellable products only after a
 * change: reading 10,000 of them costs 12-90 ms of CPU, the signature well under 1 ms.
 */
export async function catalogSignature(shopId: string): Promise<string> {
  const [row] = await hotQuery<{ products: number; writes: string }>(
    "catalog-signature",
    `SELECT count(*)::int AS products, COALESCE(sum(xmin::text::bigint), 0)::text AS writes
     FROM "Product" WHERE "shopId" = $1::uuid`,
    [shopId],
  );
  return `${row?.products ?? 0}:${row?.writes ?? 0}`;
}

/** Products that may be offered: in the catalog, active and in stock (a serving read: hotQuery). */
export async function sellableProductIds(shopId: string): Promise<Set<string>> {
  const rows = await hotQuery<{ externalId: string }>(
    "sellable-products",
    `SELECT "externalId" FROM "Product" WHERE "shopId" = $1::uuid AND status = 'ACTIVE' AND available`,
    [shopId],
  );
  return new Set(rows.map((row) => row.externalId));
}

/**
 * The shopper's purchases, newest first, from their most recent `orders` orders: not cancelled, not
 * test, refunded lines left out. Read at request time, so a new order counts at the next checkout
 * and a redacted customer (whose orders are gone) has no history at once. On the checkout's hot
 * path, so read with hotQuery.
 */
export async function customerHistory({
  shopId,
  customerKey,
  orders = 50,
  before = null,
}: {
  shopId: string;
  customerKey: string;
  orders?: number;
  /** only orders placed before this moment (a preview of a past checkout); null: all */
  before?: Date | null;
}): Promise<HistoryEntry[]> {
  // Epoch milliseconds: timestamps are stored as UTC without a zone, and node-postgres would read
  // them in the server's local time.
  const rows = await hotQuery<{ productId: string; at: number }>(
    "customer-history",
    `SELECT l."productId", (extract(epoch FROM o."orderedAt") * 1000)::float8 AS at
     FROM (SELECT id, "orderedAt" FROM "Order"
           WHERE "shopId" = $1::uuid AND "customerKey" = $2
             AND NOT test AND "cancelledAt" IS NULL AND "orderedAt" IS NOT NULL
             AND ($4::timestamptz IS NULL OR "orderedAt" < $4::timestamptz AT TIME ZONE 'UTC')
           ORDER BY "orderedAt" DESC LIMIT $3) o
     JOIN "OrderLine" l ON l."orderId" = o.id
     WHERE l."productId" IS NOT NULL AND l.quantity > l."refundedQuantity"
     ORDER BY o."orderedAt" DESC`,
    [shopId, customerKey, orders, before?.toISOString() ?? null],
  );
  return rows;
}

/**
 * The most ordered sellable products of the 90 days before the shop's latest order (for a live shop,
 * the last 90 days; for an imported history, the end of it), most ordered first.
 */
export async function popularProducts(
  tx: Tx | Db,
  { shopId, limit }: { shopId: string; limit: number },
): Promise<Array<{ productId: string; orders: number }>> {
  return tx.$queryRaw<Array<{ productId: string; orders: number }>>`
    WITH recent AS (
      SELECT o.id FROM "Order" o
      WHERE o."shopId" = ${shopId}::uuid AND NOT o.test AND o."cancelledAt" IS NULL
        AND o."orderedAt" >= (SELECT max("orderedAt") FROM "Order" WHERE "shopId" = ${shopId}::uuid)
                             - interval '90 days')
    SELECT l."productId", count(DISTINCT l."orderId")::int AS orders
    FROM recent JOIN "OrderLine" l ON l."orderId" = recent.id
    JOIN "Product" p ON p."shopId" = ${shopId}::uuid AND p."externalId" = l."productId"
    WHERE l.quantity > l."refundedQuantity" AND p.status = 'ACTIVE' AND p.available
    GROUP BY l."productId"
    ORDER BY orders DESC, l."productId"
    LIMIT ${limit}`;
}
