import { randomUUID } from "node:crypto";
import { API_SECRET_KEY, getHmac, TEST_SHOP } from "@shopify/shopify-api/test-helpers";

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
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": getHmac(body, secret),
    },
  });
}
