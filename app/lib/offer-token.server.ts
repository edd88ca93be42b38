import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";
import type { Surface } from "./offers";

/**
 * An offer id is a signed token:
 * "o2.<product>.<model version>.<surface>.<served at>.<discount percent>.<experiment>.<nonce>.<mac>",
 * numbers in base 36 (a product id that is not a number, as an imported file's may be, as "~" and
 * its UTF-8 bytes in base64url), the experiment "0" or its 4-character id followed by the variant's index, the
 * MAC a truncated HMAC-SHA256 under the app secret of the shop and the rest. It lets an event or a
 * purchase be attributed to what was served (and how: which discount, which experiment variant)
 * without writing anything when serving, and it fits the 64 characters a line property may carry
 * (app/lib/webhook-events.ts). The shop is not written in the token but bound by the MAC: a token
 * verifies only for its own shop. Tokens of the first format ("o1", without discount and
 * experiment) still verify: they ride on orders placed long after serving.
 */
export interface OfferClaims {
  productId: string;
  /** null for the popularity fallback */
  modelVersion: number | null;
  surface: Surface;
  servedAt: Date;
  /** the discount offered with it, 0 for none */
  discountPercent: number;
  /** the experiment variant that served it; null outside any experiment */
  experiment: OfferExperiment | null;
}

export interface OfferExperiment {
  /** 4 characters [0-9a-z] */
  id: string;
  /** the variant's index in the experiment, 0 to 9 */
  variant: number;
}

const FORMAT = "o2";
const MAC_BYTES = 12;
const NONCE_BYTES = 3;
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
const EXPERIMENT_ID = /^[0-9a-z]{4}$/;

export const MAX_OFFER_TOKEN_LENGTH = 64;

export function signOfferToken(
  {
    shopDomain,
    productId,
    modelVersion,
    surface,
    servedAt = new Date(),
    discountPercent = 0,
    experiment = null,
  }: {
    shopDomain: string;
    productId: string;
    modelVersion: number | null;
    surface: Surface;
    servedAt?: Date;
    discountPercent?: number;
    experiment?: OfferExperiment | null;
  },
  secret = env().SHOPIFY_API_SECRET,
): string {
  if (productId === "") throw new Error("An offer needs a product id");
  if (!Number.isInteger(discountPercent) || discountPercent < 0 || discountPercent > 100) {
    throw new Error(`A discount is a whole percent from 0 to 100, not ${discountPercent}`);
  }
  if (experiment && (!EXPERIMENT_ID.test(experiment.id) || !/^\d$/.test(String(experiment.variant)))) {
    throw new Error("An experiment id is 4 characters [0-9a-z] and its variant index 0 to 9");
  }
  const body = [
    FORMAT,
    encodeProduct(productId),
    (modelVersion ?? 0).toString(36),
    SURFACE_CODES[surface],
    Math.floor(servedAt.getTime() / 1000).toString(36),
    discountPercent.toString(36),
    experiment ? `${experiment.id}${experiment.variant}` : "0",
    randomBytes(NONCE_BYTES).toString("base64url"),
  ].join(".");
  const token = `${body}.${mac(secret, shopDomain, body).toString("base64url")}`;
  if (token.length > MAX_OFFER_TOKEN_LENGTH)
    throw new Error(`The product id ${productId} is too long for an offer id`);
  return token;
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
  if (typeof token !== "string" || token.length > MAX_OFFER_TOKEN_LENGTH) return null;
  const v2 = TOKEN_V2.exec(token);
  const v1 = v2 ? null : TOKEN_V1.exec(token);
  if (!v1 && !v2) return null;
  const [, product, version, surfaceCode, served] = (v2 ?? v1)!;
  const signature = v2 ? v2[8] : v1![6];
  const given = Buffer.from(signature!, "base64url");
  const expected = mac(secret, shopDomain, token.slice(0, token.lastIndexOf(".")));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const modelVersion = Number.parseInt(version!, 36);
  const discountPercent = v2 ? Number.parseInt(v2[5]!, 36) : 0;
  const experiment = v2?.[6] && v2[6] !== "0" ? { id: v2[6].slice(0, 4), variant: Number(v2[6][4]) } : null;
  if (discountPercent > 100) return null;
  return {
    productId: decodeProduct(product!),
    modelVersion: modelVersion === 0 ? null : modelVersion,
    surface: SURFACE_BY_CODE.get(surfaceCode!)!,
    servedAt: new Date(Number.parseInt(served!, 36) * 1000),
    discountPercent,
    experiment,
  };
}

function mac(secret: string, shopDomain: string, body: string): Buffer {
  return createHmac("sha256", secret)
    .update(`offer-token\u0000${shopDomain}\u0000${body}`)
    .digest()
    .subarray(0, MAC_BYTES);
}
