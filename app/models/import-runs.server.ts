import type { Db, Tx } from "~/db.server";

/**
 * Adds a committed batch to a run's counts, in the batch's own transaction, so the counts never
 * run ahead of or behind what is stored. `rejected` is the run's total so far. Moves the heartbeat.
 */
export async function countImportProgress(
  tx: Tx | Db,
  { id, processed, rejected }: { id: string; processed: number; rejected?: number },
) {
  await tx.importRun.update({
    where: { id },
    data: { processed: { increment: processed }, ...(rejected === undefined ? {} : { rejected }) },
  });
}

/** Moves a run's heartbeat, for stretches without a batch (waiting on Shopify). */
export async function touchImportRun(tx: Tx | Db, id: string) {
  await tx.importRun.update({ where: { id }, data: { updatedAt: new Date() } });
}

/** Marks runs still "running" with no heartbeat since `before` as failed, and gives them. */
export async function failStaleImportRuns(
  tx: Tx | Db,
  { before, error }: { before: Date; error: string },
): Promise<Array<{ id: string; kind: string; shopDomain: string }>> {
  const stale = await tx.importRun.findMany({
    where: { status: "running", updatedAt: { lt: before } },
    select: { id: true, kind: true, shop: { select: { domain: true } } },
  });
  if (stale.length === 0) return [];
  await tx.importRun.updateMany({
    where: { id: { in: stale.map((run) => run.id) }, status: "running" },
    data: { status: "failed", error, finishedAt: new Date() },
  });
  return stale.map((run) => ({ id: run.id, kind: run.kind, shopDomain: run.shop.domain }));
}
