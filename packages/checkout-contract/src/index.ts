/**
 * The wire contract between the checkout extension and the app's checkout API: what each request
 * and answer carries, defined once. The app's zod schemas are written against these types and the
 * extension's parser reads answers through them, so a change on one side fails the other's type
 * check. Plain types and a few small guards only: a schema library would cost the extension's
 * bundle more than everything else in it.
 */

export const OFFERS_PATH = "/api/checkout/offers";
export const EVENTS_PATH = "/api/checkout/events";

/** Where an offer is shown: the checkout extension's targets and storefront pages (app proxy). */
export const SURFACES = ["checkout", "cart-line-list", "thank-you", "storefront"] as const;
export type Surface = (typeof SURFACES)[number];
/** The checkout extension's targets. */
export type CheckoutSurface = Exclude<Surface, "storefront">;

export const OFFER_EVENT_TYPES = ["impression", "click", "add", "remove"] as const;
export type OfferEventType = (typeof OFFER_EVENT_TYPES)[number];

/** The app refuses an offers request with more cart lines than this. */
export const MAX_CART_LINES = 100;
/** The app refuses an events request with more events than this. */
export const MAX_EVENTS_PER_REQUEST = 50;

/** One line of the shopper's cart, by Shopify GIDs. */
export interface OffersRequestLine {
  productId: string;
  variantId: string;
  quantity: number;
}

/** Body of POST /api/checkout/offers. */
export interface OffersRequest {
  cart: { lines: OffersRequestLine[] };
  /** the shopper's language tag, such as "fr-CA" */
  locale: string;
  surface: Surface;
  /** the checkout's own key, so a guest stays in one experiment arm */
  unitKey?: string;
}

/**
 * A personalized discount on the offered product, signed into the offer id: the app's discount
 * function gives it to the line that carries the offer id, on the offered quantity. Nothing to apply.
 */
export interface OfferDiscount {
  /** 1 to 100 */
  percent: number;
}

/**
 * An offer carries no price: the app knows the shop's prices only, in the shop's currency. Whoever
 * shows it asks Shopify for the variant's price in the buyer's market (the extension's Storefront API
 * query) and applies the discount's percent to that price.
 */
export interface CheckoutOffer {
  /** signed token to send back with events and to put on the cart line (`_upsell_offer`) */
  offerId: string;
  productId: string;
  variantId: string;
  /** in the shop's default language; the extension shows Shopify's title in the buyer's language */
  title: string;
  imageUrl: string | null;
  reason: string;
  reasonKind: string;
  /** null for none */
  discount: OfferDiscount | null;
}

/** Answer to POST /api/checkout/offers (and GET /proxy/offers). */
export interface OffersResponse {
  offers: CheckoutOffer[];
  modelVersion: number | null;
  /** the experiment arm that served the checkout ("holdout": shown nothing); null outside any */
  experiment: { id: string; variant: string } | null;
  /** the merchant's heading in the shopper's language, present only when one is set */
  heading?: string;
  /** the merchant's message to the shopper's segment in their language, present only with offers */
  message?: string;
}

export interface OfferEvent {
  type: OfferEventType;
  /** the offer's signed id, as the offers answer gave it */
  offerId: string;
  surface: Surface;
  /** ISO 8601 time the shopper saw or did it; the app's clock when absent */
  at?: string;
}

/** Body of POST /api/checkout/events. */
export interface OfferEventsRequest {
  events: OfferEvent[];
  /**
   * The Product gids of the checkout's lines when the events were sent, at most MAX_CART_LINES: which
   * offers shoppers keep ignoring next to which cart products
   */
  cart?: string[];
}

/** Answer to POST /api/checkout/events. */
export interface OfferEventsResponse {
  /** events stored, or already stored by an earlier request */
  accepted: number;
  rejected: number;
  /** why each rejected event was refused, by its index in the request */
  errors: Array<{ index: number; message: string }>;
}

/** A JSON object not checked yet, whose fields can be read only by the names of T. */
export type Unchecked<T> = { readonly [K in keyof T]?: unknown };

/** A JSON object (not null, not an array), to be read as a T field by field. */
export function isObject<T>(value: unknown): value is Unchecked<T> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
