import type { Db } from "~/db.server";
import { pruneDeliveryLog } from "~/models/webhook-deliveries.server";

/** Long enough to look into a recent delivery; every retry of the event has come by then. */
export const DELIVERY_PAYLOAD_RETENTION_MS = 24 * 3_600_000;
/** Shopify retries an event for up to 48 hours; its id is kept well beyond that to recognise it. */
export const DELIVERY_LOG_RETENTION_MS = 14 * 24 * 3_600_000;

/**
 * The webhook log's retention: a processed delivery's payload (order lines, prices, a customer
 * key) is kept for `payloadRetentionMs`, then stripped; every finished delivery row goes after
 * `logRetentionMs`, long past Shopify's retries of the same event. Pending deliveries stay.
 */
export async function pruneDeliveries(
  database: Db,
  {
    payloadRetentionMs = DELIVERY_PAYLOAD_RETENTION_MS,
    logRetentionMs = DELIVERY_LOG_RETENTION_MS,
    now = new Date(),
    batchSize = 5_000,
  }: { payloadRetentionMs?: number; logRetentionMs?: number; now?: Date; batchSize?: number } = {},
) {
  return pruneDeliveryLog(database, {
    stripBefore: new Date(now.getTime() - payloadRetentionMs),
    deleteBefore: new Date(now.getTime() - logRetentionMs),
    batchSize,
  });
}
