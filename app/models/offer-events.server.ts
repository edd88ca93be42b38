import type { Db, Tx } from "~/db.server";
import type { OfferEventType, Surface } from "~/lib/offers";

export interface OfferEventRow {
  offerId: string;
  productId: string;
  modelVersion: number | null;
  surface: Surface;
  type: OfferEventType;
  /** the discount offered with it; 0 when absent */
  discountPercent?: number;
  /** the experiment variant that served it; null when absent */
  experimentId?: string | null;
  variant?: number | null;
  customerKey: string | null;
  occurredAt: Date;
}

/** Inserts events in one statement; an offer's event of a type already stored is skipped. */
export async function insertOfferEvents(
  tx: Tx | Db,
  { shopId, events }: { shopId: string; events: OfferEventRow[] },
): Promise<number> {
  if (events.length === 0) return 0;
  const { count } = await tx.offerEvent.createMany({
    data: events.map((event) => ({ shopId, ...event })),
    skipDuplicates: true,
  });
  return count;
}

/** Events per offered product, model version, surface and type, of events that occurred in [since, until). */
export async function countOfferEvents(
  tx: Tx | Db,
  { shopId, since, until }: { shopId: string; since: Date; until: Date },
) {
  const rows = await tx.offerEvent.groupBy({
    by: ["productId", "modelVersion", "surface", "type"],
    where: { shopId, occurredAt: { gte: since, lt: until } },
    _count: { _all: true },
  });
  return rows.map((row) => ({
    productId: row.productId,
    modelVersion: row.modelVersion,
    surface: row.surface,
    type: row.type,
    count: row._count._all,
  }));
}

/** Events per UTC day ("2026-11-21"), surface and type, of events that occurred in [since, until). */
export async function countOfferEventsByDay(
  tx: Tx | Db,
  { shopId, since, until, surface }: { shopId: string; since: Date; until: Date; surface: Surface | null },
) {
  return tx.$queryRaw<Array<{ day: string; surface: string; type: string; count: number }>>`
    SELECT to_char(date_trunc('day', "occurredAt"), 'YYYY-MM-DD') AS day, surface, type, count(*)::int AS count
    FROM "OfferEvent"
    WHERE "shopId" = ${shopId}::uuid AND "occurredAt" >= ${since} AND "occurredAt" < ${until}
      AND (${surface}::text IS NULL OR surface = ${surface}::text)
    GROUP BY 1, 2, 3`;
}

export async function customerOfferEvents(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
) {
  return tx.offerEvent.findMany({
    where: { shopId, customerKey },
    orderBy: { occurredAt: "asc" },
    select: { productId: true, surface: true, type: true, occurredAt: true },
  });
}

export async function deleteCustomerOfferEvents(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
): Promise<number> {
  const { count } = await tx.offerEvent.deleteMany({ where: { shopId, customerKey } });
  return count;
}

export interface LevelOutcomeRow {
  productId: string;
  percent: number;
  impressions: number;
  /** impressions whose offer id is on a kept order line of the offered product */
  takes: number;
}

/**
 * How each product's offers did at each discount level, for impressions since `since`: what the
 * discount policy learns from. A purchase counts when an order line of the product carries the
 * impression's offer id; the id was verified for this shop when the impression was stored, so a
 * forged or copied id on an order never matches.
 */
export async function levelOutcomes(
  tx: Tx | Db,
  { shopId, since }: { shopId: string; since: Date },
): Promise<LevelOutcomeRow[]> {
  return tx.$queryRaw<LevelOutcomeRow[]>`
    SELECT e."productId", e."discountPercent" AS percent, count(*)::int AS impressions,
      count(*) FILTER (WHERE EXISTS (
        SELECT 1 FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId"
        WHERE l."offerId" = e."offerId" AND l."productId" = e."productId" AND o."shopId" = e."shopId"
          AND NOT o.test AND o."cancelledAt" IS NULL AND l.quantity > l."refundedQuantity"))::int AS takes
    FROM "OfferEvent" e
    WHERE e."shopId" = ${shopId}::uuid AND e.type = 'impression' AND e."occurredAt" >= ${since}
    GROUP BY e."productId", e."discountPercent"`;
}
