import type { Db } from "~/db.server";
import { tryEnqueue } from "~/jobs/queues.server";
import { customerHasher } from "~/lib/customer-key.server";
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

export type RecordOutcome = "queued" | "recorded" | "duplicate" | "rejected" | "ignored";

/**
 * Makes a verified delivery durable and hands it to the ingest queue. The delivery is committed in
 * Postgres before this returns, so the caller can acknowledge it whatever happens to Redis; a
 * delivery that could not be enqueued is picked up by the sweeper. The payload is validated and
 * reduced to what we keep before it is stored; a malformed one is recorded as rejected, with its error.
 */
export async function recordWebhook(database: Db, webhook: VerifiedWebhook): Promise<RecordOutcome> {
  const log = logger().child({ shop: webhook.shop, topic: webhook.topic });
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
  const normalized = normalizeWebhook(topic, webhook.payload, customerHasher(webhook.shop));
  const delivery = await insertDelivery(database, {
    shopDomain: webhook.shop,
    topic,
    eventId,
    webhookId: webhook.webhookId,
    apiVersion: webhook.apiVersion,
    triggeredAt: parseDate(webhook.triggeredAt),
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

function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}
