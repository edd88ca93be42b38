import type { Db } from "~/db.server";
import { tryEnqueue } from "~/jobs/queues.server";
import { customerHasher } from "~/lib/customer-key.server";
import { AppError } from "~/lib/errors";
import { normalizeShopDomain } from "~/lib/shopify-ids";
import { normalizeTopic, normalizeWebhook } from "~/lib/webhook-events";
import { logger } from "~/logger.server";
import { insertDelivery } from "~/models/webhook-deliveries.server";

export interface VerifiedWebhook {
  shop: string;
  topic: string;
  payload: unknown;
  webhookId: string | null;
  eventId: string | null;
  apiVersion: string | null;
  triggeredAt: string | null;
}

/** Shopify's event and webhook ids are UUIDs; the event id is part of a unique index. */
const MAX_HEADER_ID = 255;

export type RecordOutcome = "queued" | "recorded" | "duplicate" | "rejected" | "ignored";

/**
 * Makes a verified delivery durable and hands it to the ingest queue. The delivery is committed in
 * Postgres before this returns, so the caller can acknowledge it whatever happens to Redis; a
 * delivery that could not be enqueued is picked up by the sweeper. The payload is validated and
 * reduced to what we keep before it is stored; a malformed one, or one whose body does not fit its
 * topic or names another shop, is recorded as rejected, with its error. Only the body is signed: a
 * shop domain that is not a shop's, or ids no column can key, are refused (400) and not stored.
 */
export async function recordWebhook(database: Db, webhook: VerifiedWebhook): Promise<RecordOutcome> {
  const shop = normalizeShopDomain(webhook.shop);
  if (!shop) throw new AppError("BAD_REQUEST", "X-Shopify-Shop-Domain is not a shop's domain.");
  for (const id of [webhook.eventId, webhook.webhookId]) {
    if (id !== null && id.length > MAX_HEADER_ID)
      throw new AppError("BAD_REQUEST", "Webhook id is too long.");
  }
  const log = logger().child({ shop, topic: webhook.topic });
  const topic = normalizeTopic(webhook.topic);
  if (!topic) {
    log.warn("webhook topic not handled");
    return "ignored";
  }
  const eventId = webhook.eventId ?? webhook.webhookId;
  if (!eventId) {
    log.warn("webhook without event or webhook id");
    return "ignored";
  }
  const normalized = normalizeWebhook({
    topic,
    payload: webhook.payload,
    shopDomain: shop,
    hash: customerHasher(shop),
  });
  const delivery = await insertDelivery(database, {
    shopDomain: shop,
    topic,
    eventId,
    webhookId: webhook.webhookId,
    apiVersion: webhook.apiVersion,
    triggeredAt: parseTriggeredAt(webhook.triggeredAt),
    status: normalized.ok ? "pending" : "rejected",
    lastError: normalized.ok ? null : `invalid payload: ${normalized.error}`,
    payload: normalized.ok ? normalized.event : null,
  });
  if (!normalized.ok) {
    log.warn({ deliveryId: delivery.id, error: normalized.error }, "webhook payload rejected");
    return "rejected";
  }
  if (delivery.status !== "pending") return "duplicate";
  const queued = await tryEnqueue("process-webhook", { deliveryId: delivery.id }, { jobId: delivery.id });
  if (!queued)
    log.warn({ deliveryId: delivery.id }, "webhook recorded but not enqueued; the sweeper will retry");
  if (delivery.duplicate) return "duplicate";
  return queued ? "queued" : "recorded";
}

/** The header's time, never later than now (it is unsigned); null when it is missing or absurd. */
function parseTriggeredAt(value: string | null): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time) || time < 0) return null;
  return new Date(Math.min(time, Date.now()));
}
