import {
  type CheckoutOffer,
  isObject,
  type Money,
  type OfferDiscount as OfferDiscountWire,
  type OffersResponse,
} from "@checkout-upsell-ai/checkout-contract";

// The wire's shapes are the checkout contract's; these are what the blocks show once checked.

/** A price ready to format: the amount as a number. */
export interface Price {
  amount: number;
  currencyCode: string;
}

/** An offer as the app sent it, with prices as numbers and its discount and discounted price as one. */
export interface Offer
  extends Omit<CheckoutOffer, "price" | "compareAtPrice" | "discount" | "discountedPrice"> {
  price: Price;
  compareAtPrice: Price | null;
  /** this shopper's discount, which the app's discount function gives the added line */
  discount: OfferDiscount | null;
}

export interface OfferDiscount extends OfferDiscountWire {
  /** the price once the discount applies */
  price: Price;
}

export interface OffersToShow {
  offers: Offer[];
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
  const offers: Offer[] = [];
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

function parseOffer(value: unknown): Offer | null {
  if (!isObject<CheckoutOffer>(value)) return null;
  const { offerId, productId, variantId, title, imageUrl, reason, reasonKind } = value;
  if (!isText(offerId) || !isText(title)) return null;
  if (typeof productId !== "string" || !PRODUCT_GID.test(productId)) return null;
  if (typeof variantId !== "string" || !VARIANT_GID.test(variantId)) return null;
  const price = parseMoney(value.price);
  if (!price) return null;
  const compareAtPrice = value.compareAtPrice == null ? null : parseMoney(value.compareAtPrice);
  if (value.compareAtPrice != null && !compareAtPrice) return null;
  return {
    offerId,
    productId,
    variantId,
    title,
    imageUrl: typeof imageUrl === "string" && /^https:\/\//.test(imageUrl) ? imageUrl : null,
    price,
    // A compare-at price is only worth striking through when it is higher than the price.
    compareAtPrice:
      compareAtPrice &&
      compareAtPrice.currencyCode === price.currencyCode &&
      compareAtPrice.amount > price.amount
        ? compareAtPrice
        : null,
    reason: typeof reason === "string" && reason.length <= MAX_TEXT ? reason : "",
    reasonKind: typeof reasonKind === "string" ? reasonKind : "",
    discount: parseDiscount(value.discount, value.discountedPrice, price),
  };
}

/** A discount worth showing: a percent and a lower price in the same currency. */
function parseDiscount(value: unknown, discountedPrice: unknown, price: Price): OfferDiscount | null {
  if (!isObject<OfferDiscountWire>(value)) return null;
  const { percent } = value;
  if (typeof percent !== "number" || !(percent > 0 && percent <= 100)) return null;
  const discounted = parseMoney(discountedPrice);
  if (!discounted || discounted.currencyCode !== price.currencyCode || !(discounted.amount < price.amount)) {
    return null;
  }
  return { percent, price: discounted };
}

function parseMoney(value: unknown): Price | null {
  if (!isObject<Money>(value)) return null;
  const { currencyCode } = value;
  // The Admin API writes decimals as strings ("14.00"); accept both.
  const raw = value.amount;
  const amount = typeof raw === "string" && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) return null;
  if (typeof currencyCode !== "string" || !/^[A-Z]{3}$/.test(currencyCode)) return null;
  return { amount, currencyCode };
}

function isText(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_TEXT;
}
