import type { Db, Tx } from "~/db.server";

export interface SegmentOfferRow {
  /** null for events recorded before segments */
  segment: string | null;
  impressions: number;
  clicks: number;
  adds: number;
  /** order lines bought from an offer shown to the segment */
  purchases: number;
  /** what those lines brought, net of refunds and of our discount */
  revenue: number;
  /** the discount they took */
  discount: number;
}

/**
 * Per segment, offers shown, clicked and added in [since, until), and the order lines bought from
 * them. A line counts for the segment its offer's impression was recorded in; the offer id was
 * verified for this shop when the impression was stored, so a forged id on an order never matches.
 */
export async function segmentOfferOutcomes(
  tx: Tx | Db,
  { shopId, since, until }: { shopId: string; since: Date; until: Date },
): Promise<SegmentOfferRow[]> {
  return tx.$queryRaw<SegmentOfferRow[]>`
    WITH events AS (
      SELECT segment, count(*) FILTER (WHERE type = 'impression')::int AS impressions,
        count(*) FILTER (WHERE type = 'click')::int AS clicks,
        count(*) FILTER (WHERE type = 'add')::int AS adds
      FROM "OfferEvent"
      WHERE "shopId" = ${shopId}::uuid AND "occurredAt" >= ${since} AND "occurredAt" < ${until}
      GROUP BY segment
    ), bought AS (
      SELECT e.segment, count(*)::int AS purchases,
        COALESCE(sum(l."unitPrice" * GREATEST(l.quantity - l."refundedQuantity", 0)
          - COALESCE(l."offerDiscount", 0)), 0)::float8 AS revenue,
        COALESCE(sum(l."offerDiscount"), 0)::float8 AS discount
      FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
      JOIN "OfferEvent" e ON e."shopId" = o."shopId" AND e."offerId" = l."offerId" AND e.type = 'impression'
      WHERE o."shopId" = ${shopId}::uuid AND o."orderedAt" >= ${since} AND o."orderedAt" < ${until}
        AND NOT o.test AND o."cancelledAt" IS NULL AND l."offerId" IS NOT NULL
        AND l."productId" = e."productId" AND l.quantity > l."refundedQuantity"
      GROUP BY e.segment
    )
    SELECT COALESCE(e.segment, b.segment) AS segment, COALESCE(e.impressions, 0) AS impressions,
      COALESCE(e.clicks, 0) AS clicks, COALESCE(e.adds, 0) AS adds, COALESCE(b.purchases, 0) AS purchases,
      COALESCE(b.revenue, 0) AS revenue, COALESCE(b.discount, 0) AS discount
    FROM events e FULL JOIN bought b ON COALESCE(b.segment, '') = COALESCE(e.segment, '')`;
}
