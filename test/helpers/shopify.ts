import { randomUUID } from "node:crypto";
import {
  API_KEY,
  API_SECRET_KEY,
  getHmac,
  getJwt,
  RequestType,
  setUpValidRequest,
  TEST_SHOP,
} from "@shopify/shopify-api/test-helpers";

export { TEST_SHOP };

/** A browser-like User-Agent: the Shopify helpers answer bot-like agents with 410. */
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

export interface WebhookRequestOptions {
  topic: string;
  payload: unknown;
  shop?: string;
  eventId?: string;
  webhookId?: string;
  secret?: string;
  rawBody?: string;
  apiVersion?: string;
  triggeredAt?: Date;
}

/** A webhook request as Shopify sends it: raw JSON body, base64 HMAC-SHA256 of it, X-Shopify-* headers. */
export function webhookRequest({
  topic,
  payload,
  shop = TEST_SHOP,
  eventId = randomUUID(),
  webhookId = randomUUID(),
  secret = API_SECRET_KEY,
  rawBody,
  apiVersion = "2026-10",
  triggeredAt = new Date(),
}: WebhookRequestOptions): Request {
  const body = rawBody ?? JSON.stringify(payload);
  return new Request(`https://my-test-app.myshopify.io/webhooks/${topic}`, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Shopify-Captain-Hook",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-API-Version": apiVersion,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": eventId,
      "X-Shopify-Triggered-At": triggeredAt.toISOString(),
      "X-Shopify-Hmac-Sha256": getHmac(body, secret),
    },
  });
}

/** Sends a signed webhook, as webhookRequest builds it, to a running server at `origin` (the benches). */
export async function sendWebhook(origin: string, options: WebhookRequestOptions): Promise<number> {
  const signed = webhookRequest(options);
  const response = await fetch(new URL(new URL(signed.url).pathname, origin), {
    method: "POST",
    headers: signed.headers,
    body: await signed.text(),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The origin checkout extensions run at: another origin than the app's, so CORS applies. */
export const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

/**
 * A checkout session token as `shopify.sessionToken.get()` gives one: HS256 under the app secret,
 * `dest` the shop domain without a scheme, `aud` the app's client id, `sub` the customer gid only
 * for a logged-in buyer, and no `sid`.
 */
export async function checkoutToken({
  shop = TEST_SHOP,
  customerId,
  apiKey = API_KEY,
  secret = API_SECRET_KEY,
  expiresInSeconds = 300,
}: {
  shop?: string;
  customerId?: string;
  apiKey?: string;
  secret?: string;
  /** null: a token without an expiry claim */
  expiresInSeconds?: number | null;
} = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = expiresInSeconds ?? 300;
  const { token } = await getJwt(shop.replace(/\.myshopify\.com$/, ""), apiKey, secret, {
    iss: `https://${shop}`,
    dest: shop,
    sub: customerId ? `gid://shopify/Customer/${customerId}` : undefined,
    iat: Math.min(now, now + lifetime) - 60,
    nbf: Math.min(now, now + lifetime) - 60,
    exp: expiresInSeconds === null ? undefined : now + lifetime,
    jti: randomUUID(),
    sid: undefined,
  });
  return token;
}

/** A request from the checkout extension's worker: its origin, a browser agent, the token as Bearer. */
export function checkoutRequest(
  path: string,
  {
    token,
    body,
    rawBody,
    method = "POST",
    headers = {},
  }: { token?: string; body?: unknown; rawBody?: string; method?: string; headers?: Record<string, string> },
): Request {
  return new Request(`https://my-test-app.myshopify.io${path}`, {
    method,
    headers: {
      "User-Agent": BROWSER_UA,
      Origin: EXTENSION_ORIGIN,
      "Content-Type": "application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: method === "POST" ? (rawBody ?? JSON.stringify(body)) : undefined,
  });
}

/** A storefront request forwarded by Shopify's app proxy, signed as Shopify signs it. */
export async function appProxyRequest(
  path: string,
  {
    query = {},
    customerId = "",
    secret = API_SECRET_KEY,
  }: { query?: Record<string, string>; customerId?: string; secret?: string } = {},
): Promise<Request> {
  const url = new URL(`https://my-test-app.myshopify.io${path}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  url.searchParams.set("logged_in_customer_id", customerId);
  url.searchParams.set("path_prefix", "/apps/upsell");
  return setUpValidRequest(
    { type: RequestType.Public, store: TEST_SHOP.replace(".myshopify.com", ""), apiSecretKey: secret },
    new Request(url, { headers: { "User-Agent": BROWSER_UA } }),
  );
}
