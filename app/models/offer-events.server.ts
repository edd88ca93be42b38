import { type Db, hotQuery, type Tx } from "~/db.server";
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
  /** the shopper's segment the offer was served in; null when unknown */
  segment?: string | null;
  /** how often their past orders carried a discount, from the offer id; null when unknown */
  discountHistory?: string | null;
  /** the products in the checkout when the event was sent, at most MAX_EVENT_CART */
  cartProductIds?: string[];
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

export interface ShopOfferEvents {
  shopDomain: string;
  events: OfferEventRow[];
}

/**
 * Inserts the events of several requests, of any shops, in one statement, and answers which of
 * their shops are installed; events of the others are not stored. An offer's event of a type
 * already stored is skipped. It runs on the checkout's path, so with hotQuery.
 */
export async function insertShopsOfferEvents(batch: ShopOfferEvents[]): Promise<Set<string>> {
  // In the unique key's order: each server gathers requests in its own arrival order, and two
  // statements locking the same keys in opposite orders deadlock.
  const rows = batch
    .flatMap(({ shopDomain, events }) => events.map((event) => ({ shopDomain, ...event })))
    .sort(
      (a, b) =>
        compare(a.shopDomain, b.shopDomain) || compare(a.offerId, b.offerId) || compare(a.type, b.type),
    );
  const shops = await hotQuery<{ domain: string }>(
    "insert-offer-events",
    `WITH shop AS (
       SELECT id, domain FROM "Shop" WHERE domain = ANY($1::text[]) AND "uninstalledAt" IS NULL
     ), inserted AS (
       INSERT INTO "OfferEvent" ("shopId", "offerId", "productId", "modelVersion", surface, type,
         "discountPercent", "experimentId", variant, "customerKey", segment, "discountHistory", "cartProductIds", "occurredAt")
       SELECT shop.id, t.offer_id, t.product_id, t.model_version, t.surface, t.type,
         t.discount_percent, t.experiment_id, t.variant, t.customer_key, t.segment, t.history,
         string_to_array(t.cart, ','), to_timestamp(t.occurred_ms / 1000.0) AT TIME ZONE 'UTC'
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::int[],
         $9::text[], $10::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::float8[])
         AS t(shop_domain, offer_id, product_id, model_version, surface, type, discount_percent,
           experiment_id, variant, customer_key, segment, history, cart, occurred_ms)
       JOIN shop ON shop.domain = t.shop_domain
       ON CONFLICT DO NOTHING)
     SELECT domain FROM shop`,
    [
      [...new Set(batch.map((entry) => entry.shopDomain))],
      rows.map((row) => row.shopDomain),
      rows.map((row) => row.offerId),
      rows.map((row) => row.productId),
      rows.map((row) => row.modelVersion),
      rows.map((row) => row.surface),
      rows.map((row) => row.type),
      rows.map((row) => row.discountPercent ?? 0),
      rows.map((row) => row.experimentId ?? null),
      rows.map((row) => row.variant ?? null),
      rows.map((row) => row.customerKey),
      rows.map((row) => row.segment ?? null),
      rows.map((row) => row.discountHistory ?? null),
      // One string per row: unnest would flatten an array of arrays. Product ids hold no comma.
      rows.map((row) => (row.cartProductIds ?? []).join(",")),
      rows.map((row) => row.occurredAt.getTime()),
    ],
  );
  return new Set(shops.map((shop) => shop.domain));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
    select: {
      productId: true,
      surface: true,
      type: true,
      segment: true,
      discountHistory: true,
      cartProductIds: true,
      occurredAt: true,
    },
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
  /** the shoppers' segment; null for events recorded before segments */
  segment: string | null;
  /** how often their past orders carried a discount; null when unknown */
  discountHistory: string | null;
  percent: number;
  impressions: number;
  /** impressions whose offer id is on a kept order line of the offered product */
  takes: number;
  /** the product's type and current price; null when no longer in the catalog */
  category: string | null;
  price: number | null;
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
    SELECT o.*, p."productType" AS category,
      -- The price offers use: the cheapest available variant's, as the offer catalog picks it.
      COALESCE(
        (SELECT min(COALESCE(v.price, p.price)) FROM "Variant" v WHERE v."productId" = p.id AND v.available),
        p.price
      )::float8 AS price
    FROM (
      SELECT e."productId", e.segment, e."discountHistory", e."discountPercent" AS percent,
        count(*)::int AS impressions,
        count(*) FILTER (WHERE EXISTS (
          SELECT 1 FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId"
          WHERE l."offerId" = e."offerId" AND l."productId" = e."productId" AND o."shopId" = e."shopId"
            AND NOT o.test AND o."cancelledAt" IS NULL AND l.quantity > l."refundedQuantity"))::int AS takes
      FROM "OfferEvent" e
      WHERE e."shopId" = ${shopId}::uuid AND e.type = 'impression' AND e."occurredAt" >= ${since}
      GROUP BY e."productId", e.segment, e."discountHistory", e."discountPercent"
    ) o
    LEFT JOIN "Product" p ON p."shopId" = ${shopId}::uuid AND p."externalId" = o."productId"`;
}

/** Offers shown, clicked and added of one model version, of events that occurred in [since, until). */
export async function versionOutcomes(
  tx: Tx | Db,
  { shopId, version, since, until }: { shopId: string; version: number; since: Date; until: Date },
): Promise<{ impressions: number; clicks: number; adds: number }> {
  const [row] = await tx.$queryRaw<Array<{ impressions: number; clicks: number; adds: number }>>`
    SELECT count(*) FILTER (WHERE type = 'impression')::int AS impressions,
      count(*) FILTER (WHERE type = 'click')::int AS clicks,
      count(*) FILTER (WHERE type = 'add')::int AS adds
    FROM "OfferEvent"
    WHERE "shopId" = ${shopId}::uuid AND "modelVersion" = ${version}
      AND "occurredAt" >= ${since} AND "occurredAt" < ${until}`;
  return row ?? { impressions: 0, clicks: 0, adds: 0 };
}
