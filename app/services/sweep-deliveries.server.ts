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
  let swept = 0;
  let before = new Date(Date.now() - graceMs);
  for (;;) {
    const pending = await pendingDeliveries(database, { before, limit: batchSize });
    for (const delivery of pending) {
      await enqueue("process-webhook", { deliveryId: delivery.id }, { jobId: delivery.id });
    }
    swept += pending.length;
    if (pending.length < batchSize) return swept;
    // Pending rows stay pending until a worker takes them: move the window instead of re-reading them.
    const last = await database.webhookDelivery.findUnique({ where: { id: pending.at(-1)!.id } });
    if (!last) return swept;
    before = last.receivedAt;
  }
}
