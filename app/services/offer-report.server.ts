import type { Db } from "~/db.server";
import { verifyOfferToken } from "~/lib/offer-token.server";
import type { OfferEventType, Surface } from "~/lib/offers";
import { countOfferEvents } from "~/models/offer-events.server";
import { type OfferedOrderLine, offeredOrderLines } from "~/models/offer-purchases.server";
import { requireShop } from "~/models/shops.server";

/** A purchase counts for an offer when the order is placed within a week of serving. */
export const ATTRIBUTION_WINDOW_MS = 7 * 86_400_000;
/** Order times come from Shopify's clock, serving times from ours. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface OfferReportRow {
  productId: string;
  title: string | null;
  /** null for the popularity fallback */
  modelVersion: number | null;
  surface: Surface;
  impressions: number;
  clicks: number;
  adds: number;
  removes: number;
  /** clicks / impressions; null without impressions */
  clickRate: number | null;
  /** attributed order lines */
  purchases: number;
  /** attributed purchases / impressions; null without impressions */
  takeRate: number | null;
  /** Σ unit price × (quantity − refunded quantity) of the attributed lines, in the shop currency */
  revenue: string;
  /** what the offer discount took off the kept units of the attributed lines, as the orders say */
  discountCost: string;
}

export interface OfferReport {
  shopDomain: string;
  since: Date;
  until: Date;
  currency: string | null;
  rows: OfferReportRow[];
  /** order lines whose offer id is forged, of another shop or product, or outside the window */
  unattributedLines: number;
}

interface Tally {
  productId: string;
  modelVersion: number | null;
  surface: Surface;
  events: Record<OfferEventType, number>;
  purchases: number;
  revenueCents: number;
  discountCents: number;
}

/**
 * How offers did in [since, until), per offered product, model version and surface: events as the
 * extension reported them, and purchases from order lines carrying a valid offer id (verified here,
 * so a forged or copied id is never attributed).
 */
export async function offerReport(
  database: Db,
  { shopDomain, since, until = new Date() }: { shopDomain: string; since: Date; until?: Date },
): Promise<OfferReport> {
  const shop = await requireShop(database, shopDomain);
  const [eventCounts, lines] = await Promise.all([
    countOfferEvents(database, { shopId: shop.id, since, until }),
    offeredOrderLines(database, { shopId: shop.id, since, until }),
  ]);
  const tallies = new Map<string, Tally>();
  const tallyOf = (productId: string, modelVersion: number | null, surface: Surface) => {
    const key = `${productId}|${modelVersion ?? ""}|${surface}`;
    let tally = tallies.get(key);
    if (!tally) {
      const events = { impression: 0, click: 0, add: 0, remove: 0 };
      tally = { productId, modelVersion, surface, events, purchases: 0, revenueCents: 0, discountCents: 0 };
      tallies.set(key, tally);
    }
    return tally;
  };
  for (const row of eventCounts) {
    tallyOf(row.productId, row.modelVersion, row.surface as Surface).events[row.type as OfferEventType] +=
      row.count;
  }
  let unattributedLines = 0;
  let currency: string | null = null;
  for (const line of lines) {
    const offer = attributedOffer(line, shopDomain);
    if (!offer) {
      unattributedLines += 1;
      continue;
    }
    const tally = tallyOf(offer.productId, offer.modelVersion, offer.surface);
    tally.purchases += 1;
    tally.revenueCents += revenueCents(line);
    tally.discountCents += discountCents(line);
    currency = line.currency ?? currency;
  }
  const titles = await productTitles(
    database,
    shop.id,
    [...tallies.values()].map((t) => t.productId),
  );
  const rows = [...tallies.values()].map((tally) => toRow(tally, titles.get(tally.productId) ?? null));
  rows.sort(
    (a, b) =>
      Number(b.revenue) - Number(a.revenue) ||
      b.impressions - a.impressions ||
      a.productId.localeCompare(b.productId),
  );
  return { shopDomain, since, until, currency, rows, unattributedLines };
}

/**
 * The offer an order line was added from, when its id verifies for the shop, names the line's own
 * product and was served within the attribution window; null otherwise.
 */
export function attributedOffer(line: OfferedOrderLine, shopDomain: string) {
  const offer = verifyOfferToken(line.offerId, shopDomain);
  if (!offer || offer.productId !== line.productId) return null;
  const after = line.orderedAt.getTime() - offer.servedAt.getTime();
  return after >= -CLOCK_SKEW_MS && after <= ATTRIBUTION_WINDOW_MS ? offer : null;
}

function toRow(tally: Tally, title: string | null): OfferReportRow {
  const { impression, click, add, remove } = tally.events;
  return {
    productId: tally.productId,
    title,
    modelVersion: tally.modelVersion,
    surface: tally.surface,
    impressions: impression,
    clicks: click,
    adds: add,
    removes: remove,
    clickRate: impression > 0 ? click / impression : null,
    purchases: tally.purchases,
    takeRate: impression > 0 ? tally.purchases / impression : null,
    revenue: (tally.revenueCents / 100).toFixed(2),
    discountCost: (tally.discountCents / 100).toFixed(2),
  };
}

/** The line's price times the units kept after refunds, in cents. */
export function revenueCents(line: OfferedOrderLine): number {
  return cents(line.unitPrice) * keptUnits(line);
}

/**
 * What the offer discount took off the units kept after refunds, in cents: the order's allocation
 * to the line, shared evenly over its units (a refunded unit gave its discount back).
 */
export function discountCents(line: OfferedOrderLine): number {
  return line.quantity > 0 ? Math.round((cents(line.offerDiscount) * keptUnits(line)) / line.quantity) : 0;
}

export function keptUnits(line: OfferedOrderLine): number {
  return Math.max(0, line.quantity - line.refundedQuantity);
}

function cents(amount: string | null): number {
  return amount === null ? 0 : Math.round(Number(amount) * 100);
}

async function productTitles(database: Db, shopId: string, productIds: string[]) {
  const products = await database.product.findMany({
    where: { shopId, externalId: { in: [...new Set(productIds)] } },
    select: { externalId: true, title: true },
  });
  return new Map(products.map((product) => [product.externalId, product.title]));
}
