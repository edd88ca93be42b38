import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";
import type { DiscountHistory } from "~ml";
import { contextCode, contextOfCode } from "./discount-history";
import type { Surface } from "./offers";
import { MAX_OFFER_ID_LENGTH } from "./order-snapshot";
import type { Segment } from "./segments";

/**
 * An offer id is a signed token:
 * "o4.<product>.<variant>.<model version>.<surface>.<served at>.<discount percent>.<experiment>.<quantity>.<buyer>.<segment>.<nonce>.<mac>",
 * numbers in base 36 (a product id that is not a number, as an imported file's may be, as "~" and
 * its UTF-8 bytes in base64url), the offered variant "0" when none is named, the experiment "0" or
 * its 4-character id followed by the variant's index, the quantity the discount covers at most, the buyer "0" for a guest or a keyed tag of the
 * logged-in customer's id, the shopper's segment (with their discount history where known) as one
 * letter ("0" when not known; app/lib/discount-history.ts), and the MAC a truncated HMAC-SHA256 of the rest under the shop's offer key.
 *
 * It lets an event or a purchase be attributed to what was served without writing anything when
 * serving, and it is what the discount function (extensions/offer-discount) checks before it gives
 * a line the offer's discount: the shop's offer key is derived from the app secret and handed to the
 * function in the discount's own metafield, so the function never holds the secret, and a token
 * verifies only for its own shop. Tokens of "o3" (the same without the segment) verify and are
 * honoured while their discounts last; those of "o1" and "o2" (MAC under the app secret) still
 * verify, for attribution only: they ride on orders placed long after serving.
 */
export interface OfferClaims {
  productId: string;
  /** the offered variant, whose units alone the discount covers; null when none is named */
  variantId: string | null;
  /** null for the popularity fallback */
  modelVersion: number | null;
  surface: Surface;
  servedAt: Date;
  /** the discount offered with it, 0 for none */
  discountPercent: number;
  /** the experiment variant that served it; null outside any experiment */
  experiment: OfferExperiment | null;
  /** how many units the discount covers at most (1 for the earlier formats) */
  quantity: number;
  /** the keyed tag of the customer it was offered to; null for a guest and the earlier formats */
  buyer: string | null;
  /** the shopper's segment it was served in; null when not known and for the earlier formats */
  segment: Segment | null;
  /** how often the shopper's past orders carried a discount, when known at serving */
  discountHistory: DiscountHistory | null;
}

export interface OfferExperiment {
  /** 4 characters [0-9a-z] */
  id: string;
  /** the variant's index in the experiment, 0 to 9 */
  variant: number;
}

const FORMAT = "o4";
const MAC_BYTES = 12;
const NONCE_BYTES = 3;
const BUYER_BYTES = 6;
const SURFACE_CODES: Record<Surface, string> = {
  checkout: "c",
  "cart-line-list": "l",
  "thank-you": "t",
  storefront: "s",
};
const SURFACE_BY_CODE = new Map(
  Object.entries(SURFACE_CODES).map(([surface, code]) => [code, surface as Surface]),
);
const TOKEN_V1 =
  /^o1\.([0-9a-z]{1,11})\.([0-9a-z]{1,7})\.([clts])\.([0-9a-z]{1,8})\.([\w-]{6})\.([\w-]{16})$/;
const TOKEN_V2 =
  /^o2\.([0-9a-z]{1,11}|~[\w-]{2,40})\.([0-9a-z]{1,7})\.([clts])\.([0-9a-z]{1,8})\.([0-9a-z]{1,2})\.(0|[0-9a-z]{4}[0-9])\.([\w-]{4})\.([\w-]{16})$/;
const TOKEN_V3 =
  /^o3\.([0-9a-z]{1,11}|~[\w-]{2,40})\.(0|[0-9a-z]{1,13})\.([0-9a-z]{1,7})\.([clts])\.([0-9a-z]{1,8})\.([0-9a-z]{1,2})\.(0|[0-9a-z]{4}[0-9])\.([1-9a-z])\.(0|[\w-]{8})\.([\w-]{4})\.([\w-]{16})$/;
const TOKEN_V4 =
  /^o4\.([0-9a-z]{1,11}|~[\w-]{2,40})\.(0|[0-9a-z]{1,13})\.([0-9a-z]{1,7})\.([clts])\.([0-9a-z]{1,8})\.([0-9a-z]{1,2})\.(0|[0-9a-z]{4}[0-9])\.([1-9a-z])\.(0|[\w-]{8})\.([0a-z])\.([\w-]{4})\.([\w-]{16})$/;
const EXPERIMENT_ID = /^[0-9a-z]{4}$/;

/** The most units one offer's discount covers (one base-36 digit). */
export const MAX_OFFER_QUANTITY = 35;

/**
 * The discount an offer carries is honoured while the shop's local date is at most this many days
 * after the UTC date it was served (the function reads only the shop's local date, not the time).
 */
export const DISCOUNT_DAYS = 1;
const DAY_MS = 86_400_000;
/** The furthest any shop's local time runs behind UTC, and ahead of it. */
const FURTHEST_BEHIND_UTC_MS = 12 * 3_600_000;
const FURTHEST_AHEAD_OF_UTC_MS = 14 * 3_600_000;

/**
 * The instant after which no shop's checkout honours the discount of an offer served at `servedAt`:
 * the end of the last honoured date in the time zone furthest behind UTC.
 */
export function discountExpiry(servedAt: Date): Date {
  const servedDay = Math.floor(servedAt.getTime() / DAY_MS);
  return new Date((servedDay + DISCOUNT_DAYS + 1) * DAY_MS + FURTHEST_BEHIND_UTC_MS);
}

/**
 * The instant until which every shop's checkout honours the discount of an offer served at
 * `servedAt`: the end of the last honoured date in the time zone furthest ahead of UTC.
 */
export function discountHonouredEverywhereUntil(servedAt: Date): Date {
  const servedDay = Math.floor(servedAt.getTime() / DAY_MS);
  return new Date((servedDay + DISCOUNT_DAYS + 1) * DAY_MS - FURTHEST_AHEAD_OF_UTC_MS);
}

/**
 * The shop's offer key: what signs its offer ids, derived from the app secret so that handing it to
 * the discount function (in the discount's metafield) reveals nothing of the secret or of other shops.
 */
export function shopOfferKey(shopDomain: string, secret = env().SHOPIFY_API_SECRET): Buffer {
  return createHmac("sha256", secret).update(`offer-key\u0000${shopDomain}`).digest();
}

/** The tag binding an offer to a logged-in customer, from the numeric id of their Customer gid. */
export function buyerTag(key: Buffer, customerId: string): string {
  return createHmac("sha256", key)
    .update(`buyer\u0000${customerId}`)
    .digest()
    .subarray(0, BUYER_BYTES)
    .toString("base64url");
}

export function signOfferToken(
  {
    shopDomain,
    productId,
    variantId = null,
    modelVersion,
    surface,
    servedAt = new Date(),
    discountPercent = 0,
    experiment = null,
    quantity = 1,
    customerId = null,
    segment = null,
    discountHistory = null,
  }: {
    shopDomain: string;
    productId: string;
    /** the offered variant's numeric id; a discount covers this variant's units only */
    variantId?: string | null;
    modelVersion: number | null;
    surface: Surface;
    servedAt?: Date;
    discountPercent?: number;
    experiment?: OfferExperiment | null;
    /** the units the discount covers at most */
    quantity?: number;
    /** the logged-in buyer's numeric customer id; the offer's discount is theirs alone */
    customerId?: string | null;
    /** the shopper's segment it is served in, for its events and purchases */
    segment?: Segment | null;
    /** and their discount history, signed in the same letter */
    discountHistory?: DiscountHistory | null;
  },
  secret = env().SHOPIFY_API_SECRET,
): string {
  if (productId === "") throw new Error("An offer needs a product id");
  if (!signableProductId(productId))
    throw new Error(`The product id ${productId} is too long for an offer id`);
  if (!Number.isInteger(discountPercent) || discountPercent < 0 || discountPercent > 100) {
    throw new Error(`A discount is a whole percent from 0 to 100, not ${discountPercent}`);
  }
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_OFFER_QUANTITY) {
    throw new Error(`An offer covers 1 to ${MAX_OFFER_QUANTITY} units, not ${quantity}`);
  }
  if (variantId !== null && !(/^\d{1,20}$/.test(variantId) && Number.isSafeInteger(Number(variantId)))) {
    throw new Error("A variant id is the number of a ProductVariant gid");
  }
  if (discountPercent > 0 && variantId === null) throw new Error("A discounted offer names its variant");
  if (customerId !== null && !/^\d{1,20}$/.test(customerId)) {
    throw new Error("A customer id is the number of a Customer gid");
  }
  if (experiment && (!EXPERIMENT_ID.test(experiment.id) || !/^\d$/.test(String(experiment.variant)))) {
    throw new Error("An experiment id is 4 characters [0-9a-z] and its variant index 0 to 9");
  }
  const key = shopOfferKey(shopDomain, secret);
  const body = [
    FORMAT,
    encodeProduct(productId),
    variantId === null ? "0" : Number(variantId).toString(36),
    (modelVersion ?? 0).toString(36),
    SURFACE_CODES[surface],
    Math.floor(servedAt.getTime() / 1000).toString(36),
    discountPercent.toString(36),
    experiment ? `${experiment.id}${experiment.variant}` : "0",
    quantity.toString(36),
    customerId === null ? "0" : buyerTag(key, customerId),
    contextCode(segment, discountHistory),
    randomBytes(NONCE_BYTES).toString("base64url"),
  ].join(".");
  return `${body}.${mac(key, body).toString("base64url")}`;
}

/** Whether an offer of this product can be signed: a Shopify id always, another id when short. */
export function signableProductId(productId: string): boolean {
  return /^\d+$/.test(productId)
    ? Number.isSafeInteger(Number(productId))
    : encodeProduct(productId).length <= 17;
}

function encodeProduct(productId: string): string {
  const number = Number(productId);
  if (/^\d+$/.test(productId) && Number.isSafeInteger(number)) return number.toString(36);
  return `~${Buffer.from(productId, "utf8").toString("base64url")}`;
}

function decodeProduct(field: string): string {
  if (field.startsWith("~")) return Buffer.from(field.slice(1), "base64url").toString("utf8");
  return String(Number.parseInt(field, 36));
}

/** The token's claims when it was signed by us for this shop; null for anything else. */
export function verifyOfferToken(
  token: unknown,
  shopDomain: string,
  secret = env().SHOPIFY_API_SECRET,
): OfferClaims | null {
  if (typeof token !== "string" || token.length > MAX_OFFER_ID_LENGTH) return null;
  const v4 = TOKEN_V4.exec(token);
  if (v4) return verifyCurrent(token, v4.slice(1), shopOfferKey(shopDomain, secret));
  const v3 = TOKEN_V3.exec(token);
  // The fields of "o4" without the segment, which is then not known.
  if (v3) return verifyCurrent(token, v3.slice(1).toSpliced(9, 0, "0"), shopOfferKey(shopDomain, secret));
  return verifyEarlier(token, shopDomain, secret);
}

/** An "o4" token's fields, in order, after the format. */
function verifyCurrent(token: string, fields: readonly string[], key: Buffer): OfferClaims | null {
  const [
    product,
    variant,
    version,
    surfaceCode,
    served,
    percent,
    experiment,
    quantity,
    buyer,
    segment,
    ,
    signature,
  ] = fields;
  if (!macMatches(signature!, mac(key, token.slice(0, token.lastIndexOf("."))))) return null;
  const discountPercent = Number.parseInt(percent!, 36);
  if (discountPercent > 100) return null;
  return {
    ...commonClaims(product!, version!, surfaceCode!, served!),
    variantId: variant === "0" ? null : String(Number.parseInt(variant!, 36)),
    discountPercent,
    experiment: experimentOf(experiment!),
    quantity: Number.parseInt(quantity!, 36),
    buyer: buyer === "0" ? null : buyer!,
    ...contextOfCode(segment!),
  };
}

function verifyEarlier(token: string, shopDomain: string, secret: string): OfferClaims | null {
  const v2 = TOKEN_V2.exec(token);
  const v1 = v2 ? null : TOKEN_V1.exec(token);
  if (!v1 && !v2) return null;
  const [, product, version, surfaceCode, served] = (v2 ?? v1)!;
  const signature = v2 ? v2[8] : v1![6];
  const expected = createHmac("sha256", secret)
    .update(`offer-token\u0000${shopDomain}\u0000${token.slice(0, token.lastIndexOf("."))}`)
    .digest()
    .subarray(0, MAC_BYTES);
  if (!macMatches(signature!, expected)) return null;
  const discountPercent = v2 ? Number.parseInt(v2[5]!, 36) : 0;
  if (discountPercent > 100) return null;
  return {
    ...commonClaims(product!, version!, surfaceCode!, served!),
    discountPercent,
    variantId: null,
    experiment: v2 ? experimentOf(v2[6]!) : null,
    quantity: 1,
    buyer: null,
    segment: null,
    discountHistory: null,
  };
}

function commonClaims(product: string, version: string, surfaceCode: string, served: string) {
  const modelVersion = Number.parseInt(version, 36);
  return {
    productId: decodeProduct(product),
    modelVersion: modelVersion === 0 ? null : modelVersion,
    surface: SURFACE_BY_CODE.get(surfaceCode)!,
    servedAt: new Date(Number.parseInt(served, 36) * 1000),
  };
}

function experimentOf(field: string): OfferExperiment | null {
  return field === "0" ? null : { id: field.slice(0, 4), variant: Number(field[4]) };
}

function macMatches(signature: string, expected: Buffer): boolean {
  const given = Buffer.from(signature, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac("sha256", key).update(body).digest().subarray(0, MAC_BYTES);
}
