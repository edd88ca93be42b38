import type { OfferEventType, Surface } from "./offers";
import type { OrderSnapshot } from "./order-snapshot";

/**
 * How made-up shoppers behave, for the demo shop's simulation: how many check out on a day, when,
 * and what they do with each offer. Pure and seeded by the caller's random source.
 */

const DAY_MS = 86_400_000;
/** Sunday first, as Date.getUTCDay counts: weekends are a shop's busiest days. */
const WEEKDAY_VOLUME = [1.3, 0.9, 0.85, 0.9, 0.95, 1.05, 1.35];
/** Checkouts per hour of the day (UTC): quiet at night, busiest in the evening. */
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 7, 6, 6, 7, 8, 9, 10, 10, 8, 6, 3];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
/** Where shoppers meet the offers: mostly the checkout, then the thank-you page. */
const SURFACE_SHARES: Array<[Surface, number]> = [
  ["checkout", 0.55],
  ["cart-line-list", 0.1],
  ["thank-you", 0.25],
  ["storefront", 0.1],
];
/** Of the shoppers shown an offer, the share who click it, by surface. */
const CLICK_RATE: Record<Surface, number> = {
  checkout: 0.12,
  "cart-line-list": 0.1,
  "thank-you": 0.07,
  storefront: 0.05,
};
/** Lower offers are seen less: the click rate's factor by position. */
const RANK_FACTOR = [1, 0.75, 0.55, 0.45, 0.4];
/** A shopper clicks what they like: an offer of a product they buy anyway is clicked more. */
const LIKED_FACTOR = 2.2;
const ADD_RATE = 0.5;
/** Of added offers, the share still in the cart when the order is placed (the rest are removed). */
const KEEP_RATE = 0.8;
/** Checkouts that end in an order. */
export const COMPLETION_RATE = 0.7;

/** A standard normal draw (Box-Muller). */
function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Checkouts on the day starting at `dayStartMs`: the base volume shaped by the weekday, times a
 * day's luck (about ±15%), never negative.
 */
export function dailyCheckouts(base: number, dayStartMs: number, rng: () => number): number {
  const weekday = new Date(dayStartMs).getUTCDay();
  const luck = Math.exp(0.15 * normal(rng));
  return Math.max(0, Math.round(base * WEEKDAY_VOLUME[weekday]! * luck));
}

/** A moment of the day starting at `dayStartMs`, busier hours more likely. */
export function checkoutTime(dayStartMs: number, rng: () => number): Date {
  let draw = rng() * HOUR_TOTAL;
  let hour = 0;
  while (hour < 23 && draw >= HOUR_WEIGHTS[hour]!) draw -= HOUR_WEIGHTS[hour++]!;
  return new Date(dayStartMs + hour * 3_600_000 + Math.floor(rng() * 3_600_000));
}

/** The surface a shopper is shown offers on. */
export function checkoutSurface(rng: () => number): Surface {
  let draw = rng();
  for (const [surface, share] of SURFACE_SHARES) {
    draw -= share;
    if (draw < 0) return surface;
  }
  return "checkout";
}

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export type OfferResponse = "ignored" | "clicked" | "removed" | "kept";

/**
 * What a shopper does with one offer: ignores it, clicks it without adding it, adds then removes
 * it, or keeps it to the order. Shoppers click higher offers and products they like more, and a
 * discount makes them click and add more often.
 */
export function offerResponse(
  {
    surface,
    rank,
    liked,
    discountPercent,
  }: { surface: Surface; rank: number; liked: boolean; discountPercent: number },
  rng: () => number,
): OfferResponse {
  const discount = 1 + discountPercent / 40;
  const click =
    CLICK_RATE[surface] * (RANK_FACTOR[rank] ?? RANK_FACTOR.at(-1)!) * (liked ? LIKED_FACTOR : 1) * discount;
  if (rng() >= Math.min(click, 0.9)) return "ignored";
  if (rng() >= Math.min(ADD_RATE * discount, 0.95)) return "clicked";
  return rng() < KEEP_RATE ? "kept" : "removed";
}

/** An offer as the checkout was served it, with what its signed id says. */
export interface ServedOffer {
  offerId: string;
  /** numeric product id */
  productId: string;
  modelVersion: number | null;
  price: string;
  discountPercent: number;
  experiment: { id: string; variant: number } | null;
}

export interface CartLine {
  productId: string;
  title: string | null;
  quantity: number;
  unitPrice: string | null;
}

export interface ShopperEvent {
  offerId: string;
  productId: string;
  modelVersion: number | null;
  surface: Surface;
  type: OfferEventType;
  discountPercent: number;
  experimentId: string | null;
  variant: number | null;
  customerKey: string | null;
  occurredAt: Date;
}

export interface CheckoutReplay {
  events: ShopperEvent[];
  orders: OrderSnapshot[];
  /** of the orders, those with an offer's product */
  offerOrders: number;
}

/**
 * What one shopper does at a checkout served `offers`: the events the extension would send, and
 * the orders Shopify would report, offer lines carrying their offer id. A thank-you page follows an
 * order already placed, so its offers make an order of their own; elsewhere the checkout is
 * completed or abandoned, with the offers kept in the cart.
 */
export function replayCheckout(
  {
    offers,
    surface,
    servedAt,
    customerKey,
    liked,
    cart,
    currency,
    orderId,
  }: {
    offers: readonly ServedOffer[];
    surface: Surface;
    servedAt: Date;
    customerKey: string | null;
    /** products the shopper buys anyway */
    liked: ReadonlySet<string>;
    cart: readonly CartLine[];
    currency: string;
    /** the next order's id */
    orderId: () => string;
  },
  rng: () => number,
): CheckoutReplay {
  const at = (seconds: number) => new Date(servedAt.getTime() + seconds * 1_000);
  const events: ShopperEvent[] = [];
  const kept: ServedOffer[] = [];
  offers.forEach((offer, rank) => {
    const event = (type: OfferEventType, seconds: number) =>
      events.push({
        offerId: offer.offerId,
        productId: offer.productId,
        modelVersion: offer.modelVersion,
        surface,
        type,
        discountPercent: offer.discountPercent,
        experimentId: offer.experiment?.id ?? null,
        variant: offer.experiment?.variant ?? null,
        customerKey,
        occurredAt: at(seconds),
      });
    event("impression", 2);
    const response = offerResponse(
      { surface, rank, liked: liked.has(offer.productId), discountPercent: offer.discountPercent },
      rng,
    );
    if (response === "ignored") return;
    event("click", 20);
    if (response === "clicked") return;
    event("add", 25);
    if (response === "removed") event("remove", 60);
    else kept.push(offer);
  });
  const cartLines = cart.map((line) => ({ ...line, offerId: null, offerDiscount: null }));
  const offerLines = kept.map((offer) => ({
    productId: offer.productId,
    title: null,
    quantity: 1,
    unitPrice: offer.price,
    offerId: offer.offerId,
    // What the discount function takes off the one unit, as Shopify rounds it.
    offerDiscount:
      offer.discountPercent > 0
        ? (Math.round((Math.round(Number(offer.price) * 100) * offer.discountPercent) / 100) / 100).toFixed(2)
        : null,
  }));
  type OrderedLine = CartLine & { offerId: string | null; offerDiscount: string | null };
  const order = (lines: OrderedLine[], seconds: number): OrderSnapshot => {
    const orderedAt = at(seconds).toISOString();
    return {
      externalId: orderId(),
      orderedAt,
      updatedAt: orderedAt,
      customerKey,
      currency,
      totalPrice: null,
      financialStatus: "paid",
      cancelledAt: null,
      test: false,
      refunds: [],
      lines: lines.map((line, index) => ({
        externalId: String(index + 1),
        productId: line.productId,
        variantId: null,
        title: line.title,
        category: null,
        quantity: line.quantity,
        currentQuantity: line.quantity,
        unitPrice: line.unitPrice,
        offerId: line.offerId,
        offerDiscount: line.offerDiscount,
      })),
    };
  };
  const orders: OrderSnapshot[] = [];
  if (surface === "thank-you") {
    if (cartLines.length > 0) orders.push(order(cartLines, -60));
    if (offerLines.length > 0) orders.push(order(offerLines, 300));
  } else if (rng() < COMPLETION_RATE && cartLines.length + offerLines.length > 0) {
    orders.push(order([...cartLines, ...offerLines], 300));
  }
  return { events, orders, offerOrders: offerLines.length > 0 && orders.length > 0 ? 1 : 0 };
}
