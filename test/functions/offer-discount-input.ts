/**
 * Inputs for the offer discount function, shaped as Shopify answers its input query
 * (extensions/offer-discount/src/run.graphql).
 */

export interface InputLine {
  id: string;
  quantity: number;
  offer: { value: string } | null;
  merchandise:
    | { __typename: "ProductVariant"; id: string; product: { id: string } }
    | { __typename: "CustomProduct" };
}

export interface OfferDiscountConfig {
  key: string;
  maxPercent: number;
  message?: string;
}

let lineCount = 0;

/** The variant the lines of a product are of, unless a test names another. */
export function variantOf(productId: string): string {
  return String(Number(productId) + 500);
}

/** A cart line of a variant of `productId`, with the offer id `offer` in its `_upsell_offer` property. */
export function buildLine({
  productId,
  variantId = variantOf(productId),
  offer = null,
  quantity = 1,
}: {
  productId: string;
  variantId?: string;
  offer?: string | null;
  quantity?: number;
}): InputLine {
  lineCount += 1;
  return {
    id: `gid://shopify/CartLine/${lineCount}`,
    quantity,
    offer: offer === null ? null : { value: offer },
    merchandise: {
      __typename: "ProductVariant",
      id: `gid://shopify/ProductVariant/${variantId}`,
      product: { id: `gid://shopify/Product/${productId}` },
    },
  };
}

export function buildInput({
  lines,
  config,
  customerId = null,
  localDate,
  discountClasses = ["PRODUCT"],
}: {
  lines: InputLine[];
  /** the discount's metafield; null when it has none, a string for a raw (possibly invalid) value */
  config: OfferDiscountConfig | string | null;
  /** the logged-in customer's numeric id; null for a guest */
  customerId?: string | null;
  /** the shop's local date, "YYYY-MM-DD" */
  localDate: string;
  discountClasses?: string[];
}) {
  return {
    cart: {
      buyerIdentity:
        customerId === null ? null : { customer: { id: `gid://shopify/Customer/${customerId}` } },
      lines,
    },
    discount: {
      discountClasses,
      metafield:
        config === null ? null : { value: typeof config === "string" ? config : JSON.stringify(config) },
    },
    shop: { localTime: { date: localDate } },
  };
}
