import type { Db, Tx } from "~/db.server";
import type { OfferEventType, Surface } from "~/lib/offers";

export interface OfferEventRow {
  offerId: string;
  productId: string;
  modelVersion: number | null;
  surface: Surface;
  type: OfferEventType;
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
