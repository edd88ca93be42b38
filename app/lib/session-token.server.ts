import { createHmac, randomUUID } from "node:crypto";

/**
 * Signs a Shopify-style session token (HS256 with the app secret), as App Bridge and checkout
 * extensions present them. The local demo uses it to open the admin without Shopify's servers.
 */
export function signSessionToken({
  shop,
  apiKey,
  secret,
  ttlSeconds = 60,
  subject = "1",
}: {
  shop: string;
  apiKey: string;
  secret: string;
  ttlSeconds?: number;
  subject?: string;
}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: apiKey,
    sub: subject,
    exp: now + ttlSeconds,
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}
