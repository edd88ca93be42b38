import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";

/**
 * Signs a Shopify-style session token (HS256 with the app secret), as App Bridge and checkout
 * extensions present them. The local demo uses it to open the admin without Shopify's servers;
 * Shopify's library, which verifies every token, reads it like one of Shopify's own.
 */
export async function signSessionToken({
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
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ dest: `https://${shop}`, sid: randomUUID() })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/admin`)
    .setAudience(apiKey)
    .setSubject(subject)
    .setExpirationTime(now + ttlSeconds)
    .setNotBefore(now - 5)
    .setIssuedAt(now)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(secret));
}
