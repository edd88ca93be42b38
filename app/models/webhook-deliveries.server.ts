import { type Db, Prisma, type Tx } from "~/db.server";

export interface NewDelivery {
  shopDomain: string;
  topic: string;
  eventId: string;
  webhookId: string | null;
  apiVersion: string | null;
  triggeredAt: Date | null;
  status: "pending" | "rejected";
  lastError: string | null;
  payload: Prisma.InputJsonValue | null;
}

/** Records a delivery once per (shop, event id). Returns the stored row and whether it is new. */
export async function insertDelivery(
  tx: Tx | Db,
  delivery: NewDelivery,
): Promise<{ id: string; status: string; duplicate: boolean }> {
  const rows = await tx.$queryRaw<Array<{ id: string; status: string; inserted: boolean }>>`
    INSERT INTO "WebhookDelivery" ("id", "shopDomain", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt",
      "status", "lastError", "payload")
    VALUES (gen_random_uuid(), ${delivery.shopDomain}, ${delivery.topic}, ${delivery.eventId}, ${delivery.webhookId},
      ${delivery.apiVersion}, ${delivery.triggeredAt}, ${delivery.status}, ${delivery.lastError},
      ${delivery.payload === null ? null : JSON.stringify(delivery.payload)}::jsonb)
    ON CONFLICT ("shopDomain", "eventId") DO UPDATE SET "shopDomain" = EXCLUDED."shopDomain"
    RETURNING id::text, status, (xmax = 0) AS inserted`;
  const row = rows[0]!;
  return { id: row.id, status: row.status, duplicate: !row.inserted };
}

/**
 * Locks a delivery for processing inside a transaction; null when it is gone. `triggeredAt` is
 * Shopify's trigger time, or the receipt when the delivery had none.
 */
export async function lockDelivery(tx: Tx, id: string) {
  const rows = await tx.$queryRaw<
    Array<{
      id: string;
      shopDomain: string;
      topic: string;
      status: string;
      payload: unknown;
      triggeredAt: Date;
      receivedAt: Date;
    }>
  >`SELECT id::text, "shopDomain", topic, status, payload, COALESCE("triggeredAt", "receivedAt") AS "triggeredAt",
      "receivedAt"
    FROM "WebhookDelivery" WHERE id = ${id}::uuid FOR UPDATE`;
  return rows[0] ?? null;
}

/** A delivery refused when applied (stale, or another shop's resource): never retried, its event dropped. */
export async function markDeliveryRefused(tx: Tx, { id, reason }: { id: string; reason: string }) {
  await tx.webhookDelivery.update({
    where: { id },
    data: {
      status: "rejected",
      processedAt: new Date(),
      attempts: { increment: 1 },
      lastError: reason,
      payload: Prisma.DbNull,
    },
  });
}

export async function markDeliveryProcessed(tx: Tx, id: string) {
  await tx.webhookDelivery.update({
    where: { id },
    data: { status: "processed", processedAt: new Date(), attempts: { increment: 1 }, lastError: null },
  });
}

export async function markDeliveryAttemptFailed(
  tx: Tx | Db,
  { id, error, final }: { id: string; error: string; final: boolean },
) {
  await tx.webhookDelivery.updateMany({
    where: { id, status: "pending" },
    data: { attempts: { increment: 1 }, lastError: error, ...(final ? { status: "failed" } : {}) },
  });
}

/** Pending deliveries received before `before`, oldest first, a page at a time after `after` (keyset). */
export async function pendingDeliveries(
  tx: Tx | Db,
  { before, limit, after }: { before: Date; limit: number; after?: { id: string; receivedAt: Date } },
) {
  return tx.webhookDelivery.findMany({
    where: {
      status: "pending",
      receivedAt: { lt: before },
      ...(after
        ? {
            OR: [
              { receivedAt: { gt: after.receivedAt } },
              { receivedAt: after.receivedAt, id: { gt: after.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: { id: true, receivedAt: true },
  });
}

/**
 * Strips the payload of every delivery of the shop that names the customer or one of their orders
 * (those given, and those its deliveries tie to the customer). A pending one is closed as
 * processed: applying it later would bring them back. The rows stay, so a redelivery of the same
 * event is still recognised by its id. Returns how many were stripped.
 */
export async function eraseCustomerDeliveries(
  tx: Tx,
  {
    shopDomain,
    customerKey,
    orderIds,
  }: { shopDomain: string; customerKey: string | null; orderIds: string[] },
): Promise<number> {
  return tx.$executeRaw`
    WITH theirs AS (
      SELECT unnest(${orderIds}::text[]) AS id
      UNION
      SELECT payload #>> '{order,externalId}' FROM "WebhookDelivery"
      WHERE "shopDomain" = ${shopDomain} AND payload #>> '{order,customerKey}' = ${customerKey}::text)
    UPDATE "WebhookDelivery" SET payload = NULL,
      "processedAt" = CASE WHEN status = 'pending' THEN now() ELSE "processedAt" END,
      status = CASE WHEN status = 'pending' THEN 'processed' ELSE status END
    WHERE "shopDomain" = ${shopDomain} AND payload IS NOT NULL AND (
      payload->>'customerKey' = ${customerKey}::text
      OR payload #>> '{order,customerKey}' = ${customerKey}::text
      OR payload #>> '{order,externalId}' IN (SELECT id FROM theirs)
      OR payload #>> '{refund,orderExternalId}' IN (SELECT id FROM theirs)
      OR (jsonb_typeof(payload->'orderIds') = 'array' AND EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(payload->'orderIds') AS named(id)
        WHERE named.id IN (SELECT id FROM theirs))))`;
}

/**
 * Keeps the log bounded: processed deliveries received before `stripBefore` lose their payload (the
 * row and its event id stay for deduplication), and every finished delivery (processed, rejected or
 * failed) received before `deleteBefore` goes. Pending ones are never touched. Works in batches.
 */
export async function pruneDeliveryLog(
  tx: Db,
  { stripBefore, deleteBefore, batchSize }: { stripBefore: Date; deleteBefore: Date; batchSize: number },
): Promise<{ stripped: number; deleted: number }> {
  let deleted = 0;
  for (;;) {
    const count = await tx.$executeRaw`
      DELETE FROM "WebhookDelivery" WHERE id IN (
        SELECT id FROM "WebhookDelivery"
        WHERE status IN ('processed', 'rejected', 'failed') AND "receivedAt" < ${deleteBefore}
        LIMIT ${batchSize})`;
    deleted += count;
    if (count < batchSize) break;
  }
  let stripped = 0;
  for (;;) {
    const count = await tx.$executeRaw`
      UPDATE "WebhookDelivery" SET payload = NULL WHERE id IN (
        SELECT id FROM "WebhookDelivery"
        WHERE status = 'processed' AND "receivedAt" < ${stripBefore} AND payload IS NOT NULL
        LIMIT ${batchSize})`;
    stripped += count;
    if (count < batchSize) break;
  }
  return { stripped, deleted };
}
