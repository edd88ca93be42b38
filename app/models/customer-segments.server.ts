import type { Db, Tx } from "~/db.server";
import type { SegmentEvidence, SegmentRules } from "~/lib/segments";

/** An order that counts: not a test, not cancelled, dated. */
const COUNTED = `NOT o.test AND o."cancelledAt" IS NULL AND o."orderedAt" IS NOT NULL`;
/** An order's net value: its lines' prices times what was not refunded. */
const ORDER_VALUE = `(SELECT COALESCE(sum(l."unitPrice" * GREATEST(l.quantity - l."refundedQuantity", 0)), 0)
   FROM "OrderLine" l WHERE l."orderId" = o.id)`;

/**
 * What the shop's orders say about its customers as of `at`: the gaps between each customer's
 * consecutive orders of the two years before, and the spend of the top 10% of the last year's
 * customers. One statement; a few hundred milliseconds for half a million order lines, so it is read
 * hourly, not per checkout.
 */
export async function segmentEvidence(
  tx: Tx | Db,
  { shopId, at }: { shopId: string; at: Date },
): Promise<SegmentEvidence> {
  const [row] = await tx.$queryRawUnsafe<
    Array<{
      gaps: number;
      p75: number | null;
      p95: number | null;
      customers: number;
      vipSpend: number | null;
    }>
  >(
    `WITH counted AS (
       SELECT o.id, o."customerKey", o."orderedAt" FROM "Order" o
       WHERE o."shopId" = $1::uuid AND o."customerKey" IS NOT NULL AND ${COUNTED}
         AND o."orderedAt" <= $2 AND o."orderedAt" > $2 - interval '730 days'
     ), gaps AS (
       SELECT extract(epoch FROM "orderedAt" - lag("orderedAt") OVER (PARTITION BY "customerKey" ORDER BY "orderedAt")) / 86400 AS days
       FROM counted
     ), spend AS (
       SELECT o."customerKey", sum(${ORDER_VALUE}) AS spend
       FROM counted o WHERE o."orderedAt" > $2 - interval '365 days'
       GROUP BY o."customerKey"
     )
     SELECT
       (SELECT count(*)::int FROM gaps WHERE days IS NOT NULL) AS gaps,
       (SELECT percentile_cont(0.75) WITHIN GROUP (ORDER BY days) FROM gaps WHERE days IS NOT NULL)::float8 AS p75,
       (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY days) FROM gaps WHERE days IS NOT NULL)::float8 AS p95,
       (SELECT count(*)::int FROM spend) AS customers,
       (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY spend) FROM spend)::float8 AS "vipSpend"`,
    shopId,
    at,
  );
  return {
    repeatGaps: { count: row?.gaps ?? 0, p75: row?.p75 ?? null, p95: row?.p95 ?? null },
    customers: row?.customers ?? 0,
    vipSpend: row?.vipSpend ?? null,
  };
}

/**
 * The moment a shop's segments are read at: now for a shop that sells through Shopify, just after the
 * last order of an imported history (whose customers would all be lapsed by today's clock).
 */
export async function segmentClock(
  tx: Tx | Db,
  { shopId, fileCatalog }: { shopId: string; fileCatalog: boolean },
): Promise<Date> {
  if (!fileCatalog) return new Date();
  const [row] = await tx.$queryRaw<Array<{ last: Date | null }>>`
    SELECT max("orderedAt") AS last FROM "Order" WHERE "shopId" = ${shopId}::uuid AND NOT test`;
  // A second after it, so that order counts both here (<=) and for the shopper at checkout (<).
  return row?.last ? new Date(row.last.getTime() + 1_000) : new Date();
}

/** Stores the shop's segment snapshot and releases its claim. */
export async function storeSegmentSnapshot(
  tx: Tx | Db,
  { shopId, snapshot }: { shopId: string; snapshot: object },
) {
  await tx.shop.update({
    where: { id: shopId },
    data: { segmentSnapshot: snapshot, segmentsClaimedAt: null },
  });
}

/**
 * Claims the recomputation of a shop's segments for `forMs`: true for the one process that got it,
 * so a day's recomputation runs once however many servers notice it is due.
 */
export async function claimSegmentRefresh(tx: Tx | Db, { shopId, forMs }: { shopId: string; forMs: number }) {
  const claimed = await tx.$executeRaw`
    UPDATE "Shop" SET "segmentsClaimedAt" = now()
    WHERE id = ${shopId}::uuid
      AND ("segmentsClaimedAt" IS NULL OR "segmentsClaimedAt" < now() - ${`${forMs} milliseconds`}::interval)`;
  return claimed === 1;
}

/** Customers with at least one order, per segment they are in at `at`. */
export async function segmentSizes(
  tx: Tx | Db,
  { shopId, rules, at }: { shopId: string; rules: SegmentRules; at: Date },
): Promise<{ returning: number; vip: number; lapsing: number; lapsed: number }> {
  const [row] = await tx.$queryRawUnsafe<
    Array<{ returning: number; vip: number; lapsing: number; lapsed: number }>
  >(
    `WITH customers AS (
       SELECT o."customerKey", extract(epoch FROM $2 - max(o."orderedAt")) / 86400 AS days,
         COALESCE(sum(CASE WHEN o."orderedAt" > $2 - interval '365 days' THEN ${ORDER_VALUE} END), 0) AS spend
       FROM "Order" o
       WHERE o."shopId" = $1::uuid AND o."customerKey" IS NOT NULL AND ${COUNTED} AND o."orderedAt" <= $2
       GROUP BY o."customerKey"
     )
     SELECT
       (count(*) FILTER (WHERE days <= $3 AND ($5::float8 IS NULL OR spend < $5)))::int AS returning,
       (count(*) FILTER (WHERE days <= $3 AND spend >= $5))::int AS vip,
       (count(*) FILTER (WHERE days > $3 AND days <= $4))::int AS lapsing,
       (count(*) FILTER (WHERE days > $4))::int AS lapsed
     FROM customers`,
    shopId,
    at,
    rules.lapsingDays,
    rules.lapsedDays,
    rules.vipSpend,
  );
  return row ?? { returning: 0, vip: 0, lapsing: 0, lapsed: 0 };
}
