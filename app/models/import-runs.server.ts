import type { Db, Tx } from "~/db.server";

/**
 * Adds a committed batch to a run's counts, in the batch's own transaction, so the counts never
 * run ahead of or behind what is stored. A bulk stage's batches count towards the stage too (see
 * restartImportStage). Moves the heartbeat.
 */
export async function countImportProgress(
  tx: Tx | Db,
  {
    id,
    processed,
    rejected,
    stage = false,
  }: { id: string; processed: number; rejected: number; stage?: boolean },
) {
  await tx.importRun.update({
    where: { id },
    data: {
      processed: { increment: processed },
      rejected: { increment: rejected },
      ...(stage ? { stageProcessed: { increment: processed }, stageRejected: { increment: rejected } } : {}),
    },
  });
}

/**
 * Takes back what an earlier attempt counted for the bulk stage under way, before its file is read
 * again from the start; a finished stage's counts are kept.
 */
export async function restartImportStage(tx: Tx | Db, id: string) {
  await tx.$executeRaw`
    UPDATE "ImportRun" SET processed = processed - "stageProcessed", rejected = rejected - "stageRejected",
      "stageProcessed" = 0, "stageRejected" = 0, "updatedAt" = now()
    WHERE id = ${id}::uuid`;
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

/**
 * Refreshes the planner's statistics of the tables an import fills. Checkout's queries are planned
 * from them: until autovacuum gets to a table that just took a history, Postgres plans as if it were
 * empty (a sequential scan of every shop's order lines under the discount budget's lock took
 * checkouts from 26 to 400 ms at the median in the demo).
 */
export async function analyzeImportedTables(tx: Tx | Db): Promise<void> {
  await tx.$executeRawUnsafe(`ANALYZE "Order", "OrderLine", "Product", "Variant"`);
}
