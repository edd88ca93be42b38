import type { Db } from "~/db.server";
import { ensureQueued } from "~/jobs/queues.server";
import { pendingDeliveries } from "~/models/webhook-deliveries.server";

/**
 * Enqueues deliveries that were recorded but are still pending after `graceMs` (for example while
 * Redis was down, or whose job failed or stalled out). The job id is the delivery id, so a delivery
 * already queued is not queued twice, and one run again after completing is skipped by processDelivery.
 */
export async function sweepDeliveries(
  database: Db,
  { graceMs, batchSize = 1_000 }: { graceMs: number; batchSize?: number },
): Promise<number> {
  const before = new Date(Date.now() - graceMs);
  let swept = 0;
  let after: { id: string; receivedAt: Date } | undefined;
  for (;;) {
    const page = await pendingDeliveries(database, { before, limit: batchSize, after });
    for (const delivery of page) {
      await ensureQueued("process-webhook", { deliveryId: delivery.id }, { jobId: delivery.id });
    }
    swept += page.length;
    if (page.length < batchSize) return swept;
    after = page.at(-1);
  }
}
