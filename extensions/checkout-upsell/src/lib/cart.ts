import { MAX_CART_LINES, type OffersRequestLine } from "@checkout-upsell-ai/checkout-contract";
import type { AppOffer } from "./offers";

/** Line item property that attributes an order line to an offer; a leading "_" hides it from the shopper. */
export const OFFER_ATTRIBUTE = "_upsell_offer";

/** The parts of a checkout line this extension reads (the checkout API's CartLine has more). */
export interface LineLike {
  quantity: number;
  merchandise: { id: string; product: { id: string } };
  attributes: ReadonlyArray<{ key: string; value: string }>;
}

/** The cart as the offers request sends it; the app refuses more than MAX_CART_LINES lines. */
export function requestLines(lines: readonly LineLike[]): OffersRequestLine[] {
  return lines.slice(0, MAX_CART_LINES).map((line) => ({
    productId: line.merchandise.product.id,
    variantId: line.merchandise.id,
    quantity: line.quantity,
  }));
}

/** The cart's distinct products in order, as the events request sends them: at most MAX_CART_LINES. */
export function cartProductIds(lines: readonly LineLike[]): string[] {
  const ids = new Set<string>();
  for (const line of lines) {
    if (ids.size === MAX_CART_LINES) break;
    ids.add(line.merchandise.product.id);
  }
  return [...ids];
}

/** Offers whose product or variant is not already in the cart. */
export function offersNotInCart<T extends Pick<AppOffer, "productId" | "variantId">>(
  offers: readonly T[],
  lines: readonly LineLike[],
): T[] {
  const inCart = new Set<string>();
  for (const line of lines) {
    inCart.add(line.merchandise.id);
    inCart.add(line.merchandise.product.id);
  }
  return offers.filter((offer) => !inCart.has(offer.variantId) && !inCart.has(offer.productId));
}

/** The offer ids that lines in the cart were added from. */
export function offeredLinesInCart(lines: readonly LineLike[]): Set<string> {
  const offered = new Set<string>();
  for (const line of lines) {
    const attribute = line.attributes.find(({ key }) => key === OFFER_ATTRIBUTE);
    if (attribute?.value) offered.add(attribute.value);
  }
  return offered;
}

/**
 * A cart permalink that starts a new checkout with one unit of the variant, for the Thank you page
 * where the order can no longer change. Shopify gives the link's first item the line properties of
 * its `properties` parameter (JSON, base64url-encoded), so the new order's line carries the offer id
 * just as a line added in checkout does. Null for an id that is not a variant GID.
 */
export function cartPermalink(storefrontUrl: string, variantId: string, offerId: string): string | null {
  const id = /^gid:\/\/shopify\/ProductVariant\/(\d+)$/.exec(variantId)?.[1];
  if (!id) return null;
  const properties = base64Url(JSON.stringify({ [OFFER_ATTRIBUTE]: offerId }));
  return `${storefrontUrl.replace(/\/+$/, "")}/cart/${id}:1?properties=${properties}`;
}

/** Base64url without padding, as in Shopify's permalink example; UTF-8 first, since btoa takes bytes. */
function base64Url(text: string): string {
  let bytes = "";
  for (const byte of new TextEncoder().encode(text)) bytes += String.fromCharCode(byte);
  return btoa(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
