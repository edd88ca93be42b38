import {
  type CheckoutOffer,
  isObject,
  type OfferDiscount,
  type OffersResponse,
} from "@checkout-upsell-ai/checkout-contract";

// The wire's shapes are the checkout contract's; these are what the blocks show once checked.

/** An offer as the app sent it, once checked: no price, which Shopify gives in the buyer's market. */
export type AppOffer = CheckoutOffer;

/** A price ready to format: the amount as a number. */
export interface Price {
  amount: number;
  currencyCode: string;
}

/** An offer as the buyer sees it: priced, and titled, as Shopify answered for the buyer's market. */
export interface Offer extends Omit<AppOffer, "discount"> {
  price: Price;
  compareAtPrice: Price | null;
  /** this shopper's discount, which the app's discount function gives the added line */
  discount: ShownDiscount | null;
}

export interface ShownDiscount extends OfferDiscount {
  /** the market price once the discount applies */
  price: Price;
}

export interface OffersToShow {
  offers: AppOffer[];
  modelVersion: number | null;
  /** the merchant's heading for the shopper's language, when the app has one */
  heading: string | null;
  /** the merchant's message to the shopper's segment, in their language, when the app sends one */
  message: string | null;
}

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d+$/;
const VARIANT_GID = /^gid:\/\/shopify\/ProductVariant\/\d+$/;
const MAX_OFFERS = 20;
const MAX_TEXT = 500;
const MAX_HEADING = 80;
const MAX_MESSAGE = 120;

/**
 * Checks the app's answer by hand (a schema library would not fit the bundle budget), reading only
 * the contract's fields. An answer that is not the expected object gives null; an offer that is
 * malformed is left out, so one bad product never hides the others. Ids must be Shopify GIDs
 * because they go straight into a cart change.
 */
export function parseOffersResponse(value: unknown): OffersToShow | null {
  if (!isObject<OffersResponse>(value) || !Array.isArray(value.offers)) return null;
  const modelVersion = value.modelVersion;
  if (modelVersion !== undefined && modelVersion !== null && typeof modelVersion !== "number") return null;
  const offers: AppOffer[] = [];
  const seen = new Set<string>();
  for (const item of value.offers.slice(0, MAX_OFFERS)) {
    const offer = parseOffer(item);
    if (!offer || seen.has(offer.offerId) || seen.has(offer.variantId)) continue;
    seen.add(offer.offerId);
    seen.add(offer.variantId);
    offers.push(offer);
  }
  const heading = typeof value.heading === "string" ? value.heading.trim().slice(0, MAX_HEADING) : "";
  return {
    offers,
    modelVersion: modelVersion ?? null,
    heading: heading || null,
    message: parseMessage(value.message),
  };
}

/** A message cut short could say something the merchant did not, so an overlong one is dropped. */
function parseMessage(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const message = value.trim();
  return message && message.length <= MAX_MESSAGE ? message : null;
}

function parseOffer(value: unknown): AppOffer | null {
  if (!isObject<CheckoutOffer>(value)) return null;
  const { offerId, productId, variantId, title, imageUrl, reason, reasonKind } = value;
  if (!isText(offerId) || !isText(title)) return null;
  if (typeof productId !== "string" || !PRODUCT_GID.test(productId)) return null;
  if (typeof variantId !== "string" || !VARIANT_GID.test(variantId)) return null;
  return {
    offerId,
    productId,
    variantId,
    title,
    imageUrl: typeof imageUrl === "string" && /^https:\/\//.test(imageUrl) ? imageUrl : null,
    reason: typeof reason === "string" && reason.length <= MAX_TEXT ? reason : "",
    reasonKind: typeof reasonKind === "string" ? reasonKind : "",
    discount: parseDiscount(value.discount),
  };
}

/** A discount worth showing: a percent above 0 and at most 100. */
function parseDiscount(value: unknown): OfferDiscount | null {
  if (!isObject<OfferDiscount>(value)) return null;
  const { percent } = value;
  return typeof percent === "number" && percent > 0 && percent <= 100 ? { percent } : null;
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_TEXT;
}
