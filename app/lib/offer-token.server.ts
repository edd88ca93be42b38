import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "~/env.server";
import type { Surface } from "./offers";

/**
 * An offer id is a signed token: "o1.<product>.<model version>.<surface>.<served at>.<nonce>.<mac>",
 * numbers in base 36, the MAC a truncated HMAC-SHA256 under the app secret of the shop and the rest.
 * It lets an event or a purchase be attributed to what was served without writing anything when
 * serving, and it fits the 64 characters a line property may carry (app/lib/webhook-events.ts).
 * The shop is not written in the token but bound by the MAC: a token verifies only for its own shop.
 */
export interface OfferClaims {
  productId: string;
  /** null for the popularity fallback */
  modelVersion: number | null;
  surface: Surface;
  servedAt: Date;
}

const FORMAT = "o1";
const MAC_BYTES = 12;
const SURFACE_CODES: Record<Surface, string> = {
  checkout: "c",
  "cart-line-list": "l",
  "thank-you": "t",
  storefront: "s",
};
const SURFACE_BY_CODE = new Map(
  Object.entries(SURFACE_CODES).map(([surface, code]) => [code, surface as Surface]),
);
const TOKEN = /^o1\.([0-9a-z]{1,11})\.([0-9a-z]{1,7})\.([clts])\.([0-9a-z]{1,8})\.([\w-]{6})\.([\w-]{16})$/;

export const MAX_OFFER_TOKEN_LENGTH = 64;

export function signOfferToken(
  {
    shopDomain,
    productId,
    modelVersion,
    surface,
    servedAt = new Date(),
  }: {
    shopDomain: string;
    productId: string;
    modelVersion: number | null;
    surface: Surface;
    servedAt?: Date;
  },
  secret = env().SHOPIFY_API_SECRET,
): string {
  const product = Number(productId);
  if (!/^\d+$/.test(productId) || !Number.isSafeInteger(product)) {
    throw new Error(`An offer needs a numeric product id, not ${productId}`);
  }
  const body = [
    FORMAT,
    product.toString(36),
    (modelVersion ?? 0).toString(36),
    SURFACE_CODES[surface],
    Math.floor(servedAt.getTime() / 1000).toString(36),
    randomBytes(4).toString("base64url"),
  ].join(".");
  return `${body}.${mac(secret, shopDomain, body).toString("base64url")}`;
}

/** The token's claims when it was signed by us for this shop; null for anything else. */
export function verifyOfferToken(
  token: unknown,
  shopDomain: string,
  secret = env().SHOPIFY_API_SECRET,
): OfferClaims | null {
  if (typeof token !== "string" || token.length > MAX_OFFER_TOKEN_LENGTH) return null;
  const match = TOKEN.exec(token);
  if (!match) return null;
  const [, product, version, surfaceCode, served, , signature] = match;
  const given = Buffer.from(signature!, "base64url");
  const expected = mac(secret, shopDomain, token.slice(0, token.lastIndexOf(".")));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const modelVersion = Number.parseInt(version!, 36);
  return {
    productId: String(Number.parseInt(product!, 36)),
    modelVersion: modelVersion === 0 ? null : modelVersion,
    surface: SURFACE_BY_CODE.get(surfaceCode!)!,
    servedAt: new Date(Number.parseInt(served!, 36) * 1000),
  };
}

function mac(secret: string, shopDomain: string, body: string): Buffer {
  return createHmac("sha256", secret)
    .update(`offer-token\u0000${shopDomain}\u0000${body}`)
    .digest()
    .subarray(0, MAC_BYTES);
}
