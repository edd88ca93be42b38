import type { Db } from "~/db.server";
import { enqueue } from "~/jobs/queues.server";
import { pendingDeliveries } from "~/models/webhook-deliveries.server";

/**
 * Enqueues deliveries that were recorded but are still pending after `graceMs` (for example while
 * Redis was down). The job id is the delivery id, so a delivery already queued is not queued twice,
 * and one queued again after completing is skipped by processDelivery.
 */
export async function sweepDeliveries(
  database: Db,
  { graceMs, batchSize = 1_000 }: { graceMs: number; batchSize?: number },
): Promise<number> {
  const before = new Date(Date.now() - graceMs);
  let swept = 0;
  let after: string | undefined;
  for (;;) {
    const page = await pendingDeliveries(database, { before, limit: batchSize, after });
    for (const delivery of page) {
      await enqueue("process-webhook", { deliveryId: delivery.id }, { jobId: delivery.id });
    }
    swept += page.length;
    if (page.length < batchSize) return swept;
    after = page.at(-1)!.id;
  }
}
