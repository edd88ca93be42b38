import { db } from "~/db.server";
import type { OrderSnapshot } from "~/lib/order-snapshot";
import type { Segment } from "~/lib/segments";
import { insertShopsOfferEvents, type OfferEventRow } from "~/models/offer-events.server";
import { upsertOrderBatch } from "~/models/orders.server";
import type { DiscountHistory } from "~ml";
import { buildOrder } from "./factories";

/** One product's offers at one discount level to one kind of shopper: how often shown and taken. */
export interface LoggedOutcome {
  productId: string;
  segment: Segment;
  discountHistory?: DiscountHistory;
  percent: number;
  impressions: number;
  takes: number;
}

/** Orders carry at most this many taken offers' lines each. */
const LINES_PER_ORDER = 50;

/**
 * Offers' outcomes as checkouts leave them a day ago: the impressions as the events API stores them
 * (each with its segment, discount history and discount), and orders whose lines carry the offer ids
 * of the ones taken, at `unitPrice`. What the discount policy learns from.
 */
export async function logDiscountOutcomes(
  { shopId, shopDomain }: { shopId: string; shopDomain: string },
  outcomes: readonly LoggedOutcome[],
  { unitPrice = "12.50" }: { unitPrice?: string } = {},
): Promise<void> {
  const occurredAt = new Date(Date.now() - 86_400_000);
  const events: OfferEventRow[] = [];
  const taken = new Map<string, string[]>();
  for (const { productId, segment, discountHistory, percent, impressions, takes } of outcomes) {
    for (let n = 0; n < impressions; n++) {
      const offerId = `logged-${productId}-${segment}-${discountHistory ?? "-"}-${percent}-${n}`;
      events.push({
        offerId,
        productId,
        modelVersion: null,
        surface: "checkout",
        type: "impression",
        discountPercent: percent,
        segment,
        ...(discountHistory ? { discountHistory } : {}),
        customerKey: null,
        occurredAt,
      });
      if (n >= takes) continue;
      const ids = taken.get(productId) ?? [];
      ids.push(offerId);
      taken.set(productId, ids);
    }
  }
  // In one statement, as the events API writes a batch: thousands of rows at once.
  await insertShopsOfferEvents([{ shopDomain, events }]);
  const orders: OrderSnapshot[] = [];
  for (const [productId, offerIds] of taken) {
    for (let start = 0; start < offerIds.length; start += LINES_PER_ORDER) {
      const lines = offerIds
        .slice(start, start + LINES_PER_ORDER)
        .map((offerId) => ({ productId, unitPrice, offerId }));
      orders.push(
        buildOrder({ externalId: `taken-${productId}-${start}`, orderedAt: occurredAt.toISOString(), lines }),
      );
    }
  }
  await upsertOrderBatch(db(), { shopId, source: "shopify", orders });
  // Thousands of rows just written and no statistics yet: without them Postgres may plan the
  // outcomes query's lookup of taken offers as a nested loop, which took over 30 s here. A live
  // database has them (autovacuum).
  await db().$executeRaw`ANALYZE "OfferEvent", "Order", "OrderLine"`;
}
