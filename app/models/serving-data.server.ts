import { type Db, hotQuery, type Tx } from "~/db.server";
import type { CustomerSummary } from "~/lib/segments";
import type { HistoryEntry } from "~ml";

/**
 * What a server must know to serve a shop, in one query: its id, settings and live model version,
 * its currency (that of its latest Shopify order; prices are stored in it), whether its catalog
 * comes only from order files, the product pairs the merchant blocked and those shoppers ignore.
 * Null: no such installed shop.
 */
export async function servingPointer(tx: Tx | Db, shopDomain: string) {
  const [row] = await tx.$queryRaw<
    Array<{
      shopId: string;
      settings: unknown;
      liveId: string | null;
      liveVersion: number | null;
      currency: string | null;
      fileCatalog: boolean;
      discountLive: boolean;
      /** [cart product, offer product] pairs the merchant blocked */
      blockedPairs: Array<[string, string]>;
      /** [cart product, offer product, impressions] pairs shoppers ignore */
      demotedPairs: Array<[string, string, number]>;
      /** the shop's stored segments (SegmentSnapshotSchema), unvalidated */
      segmentSnapshot: unknown;
    }>
  >`
    SELECT s.id::text AS "shopId", s.settings, v.id::text AS "liveId", v.version AS "liveVersion",
      s."segmentSnapshot",
      s."offerDiscountId" IS NOT NULL AS "discountLive",
      (SELECT o.currency FROM "Order" o
       WHERE o."shopId" = s.id AND o.source = 'shopify' AND o.currency IS NOT NULL AND o."orderedAt" IS NOT NULL
       ORDER BY o."orderedAt" DESC LIMIT 1) AS currency,
      NOT EXISTS (SELECT 1 FROM "Product" p WHERE p."shopId" = s.id AND p.source = 'shopify') AS "fileCatalog",
      (SELECT coalesce(json_agg(json_build_array(b."cartProductId", b."offerProductId")), '[]'::json)
       FROM "BlockedOfferPair" b WHERE b."shopId" = s.id) AS "blockedPairs",
      (SELECT coalesce(json_agg(json_build_array(d."cartProductId", d."offerProductId", d.impressions)), '[]'::json)
       FROM "DemotedOfferPair" d WHERE d."shopId" = s.id) AS "demotedPairs"
    FROM "Shop" s LEFT JOIN "ModelVersion" v ON v."shopId" = s.id AND v.status = 'live'
    WHERE s.domain = ${shopDomain} AND s."uninstalledAt" IS NULL`;
  return row ?? null;
}

/**
 * Values that change whenever any of the shop's products, or what is stored of its collections, is
 * written or deleted (row counts and the sums of the rows' transaction ids), so servers re-read the
 * offerable products and the collections' members only after a change: reading 10,000 products
 * costs 12-90 ms of CPU, the signatures well under 1 ms.
 */
export async function servingSignatures(shopId: string): Promise<{ catalog: string; collections: string }> {
  const [row] = await hotQuery<{ catalog: string; collections: string }>(
    "serving-signatures",
    `SELECT
       (SELECT count(*) || ':' || COALESCE(sum(xmin::text::bigint), 0) FROM "Product" WHERE "shopId" = $1::uuid) AS catalog,
       (SELECT count(*) || ':' || COALESCE(sum(xmin::text::bigint), 0) FROM "CollectionProduct" WHERE "shopId" = $1::uuid) AS collections`,
    [shopId],
  );
  return { catalog: row?.catalog ?? "0:0", collections: row?.collections ?? "0:0" };
}

export interface ShopperOrders {
  /** the purchases of their most recent orders, newest first: what the ranking reads */
  history: HistoryEntry[];
  /** all their orders, as their segment reads them */
  summary: CustomerSummary;
  /** of all their orders: those whose discounts are known, and those that carried one besides our offers' */
  discounts: { known: number; discounted: number };
}

/**
 * A logged-in shopper's orders in one statement: the purchases of their most recent `orders` orders,
 * newest first (refunded lines left out), and the count, last date and spend of all of them (the
 * last year's before `at`). Not cancelled, not test. Read at request time, so a new order counts at
 * the next checkout and a redacted customer (whose orders are gone) has none at once. On the
 * checkout's hot path, so read with hotQuery.
 */
export async function shopperOrders({
  shopId,
  customerKey,
  orders = 50,
  before = null,
  at,
}: {
  shopId: string;
  customerKey: string;
  orders?: number;
  /** only orders placed before this moment (a preview of a past checkout); null: all */
  before?: Date | null;
  /** the end of the year whose spend counts: now, or the moment the shop's segments are read at */
  at: Date;
}): Promise<ShopperOrders> {
  // Epoch milliseconds: timestamps are stored as UTC without a zone, and node-postgres would read
  // them in the server's local time. The summary's row first, then one per purchase: the summary is
  // not repeated on each of them, which cost every checkout parsing it again.
  const rows = await hotQuery<{
    orders: number | null;
    last: number | null;
    spend: number | null;
    known: number | null;
    discounted: number | null;
    productId: string | null;
    at: number | null;
  }>(
    "shopper-orders",
    `WITH counted AS (
       SELECT o.id, o."orderedAt", o."totalDiscounts", lines.kept, lines.ours, lines.unrecorded
       FROM "Order" o
       -- One pass over each order's lines: what was kept, what our offers took off, and whether an
       -- offer line's discount went unrecorded (the history import does not read it).
       CROSS JOIN LATERAL (
         SELECT COALESCE(sum(l."unitPrice" * GREATEST(l.quantity - l."refundedQuantity", 0)), 0) AS kept,
           COALESCE(sum(l."offerDiscount"), 0) AS ours,
           COALESCE(bool_or(l."offerId" IS NOT NULL AND l."offerDiscount" IS NULL), false) AS unrecorded
         FROM "OrderLine" l WHERE l."orderId" = o.id
       ) lines
       WHERE o."shopId" = $1::uuid AND o."customerKey" = $2
         AND NOT o.test AND o."cancelledAt" IS NULL AND o."orderedAt" IS NOT NULL
         AND ($4::timestamptz IS NULL OR o."orderedAt" < $4::timestamptz AT TIME ZONE 'UTC')
     ), summary AS (
       SELECT count(*)::int AS orders, (extract(epoch FROM max(c."orderedAt")) * 1000)::float8 AS last,
         COALESCE(sum(c.kept) FILTER (
           WHERE c."orderedAt" > $5::timestamptz AT TIME ZONE 'UTC' - interval '365 days'
         ), 0)::float8 AS spend,
         count(*) FILTER (WHERE c."totalDiscounts" IS NOT NULL)::int AS known,
         -- Beyond what our own offers took off: a discount the app gave must not teach it to give
         -- more. An order whose offer line's discount is unrecorded may hide ours: not counted.
         count(*) FILTER (WHERE c."totalDiscounts" > c.ours AND NOT c.unrecorded)::int AS discounted
       FROM counted c
     ), recent AS (
       SELECT id, "orderedAt" FROM counted ORDER BY "orderedAt" DESC LIMIT $3
     )
     SELECT * FROM (
       SELECT s.orders, s.last, s.spend, s.known, s.discounted, NULL::text AS "productId",
         NULL::float8 AS at
       FROM summary s
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, NULL, l."productId", (extract(epoch FROM r."orderedAt") * 1000)::float8
       FROM recent r JOIN "OrderLine" l ON l."orderId" = r.id
       WHERE l."productId" IS NOT NULL AND l.quantity > l."refundedQuantity"
     ) rows
     ORDER BY at DESC NULLS FIRST`,
    [shopId, customerKey, orders, before?.toISOString() ?? null, at.toISOString()],
  );
  const [first, ...purchases] = rows;
  return {
    // After the summary's row, every row is a purchase with its product and time.
    history: purchases as HistoryEntry[],
    summary: {
      orders: first?.orders ?? 0,
      spendLastYear: first?.spend ?? 0,
      lastOrderAt: first?.last == null ? null : new Date(first.last),
    },
    discounts: { known: first?.known ?? 0, discounted: first?.discounted ?? 0 },
  };
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
