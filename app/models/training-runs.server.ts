import type { Db, Tx } from "~/db.server";

export type TrainingReason = "import" | "nightly" | "orders" | "manual" | "outdated" | "redaction" | "health";
export type TrainingRunStatus = "stored" | "skipped" | "failed";

export async function startTrainingRun(
  tx: Tx | Db,
  { shopId, reason }: { shopId: string; reason: TrainingReason },
) {
  return tx.trainingRun.create({ data: { shopId, reason }, select: { id: true } });
}

export async function finishTrainingRun(
  tx: Tx | Db,
  {
    id,
    status,
    note,
    dataTo = null,
    orderCount = null,
    version = null,
  }: {
    id: string;
    status: TrainingRunStatus;
    note: string;
    dataTo?: Date | null;
    orderCount?: number | null;
    version?: number | null;
  },
) {
  await tx.trainingRun.update({
    where: { id },
    data: { status, note, dataTo, orderCount, version, finishedAt: new Date() },
  });
}

/** The statement that moves a running training's heartbeat (run on a thread of its own, see startHeartbeatThread). */
export function trainingHeartbeat(id: string) {
  return {
    statement: `UPDATE "TrainingRun" SET "updatedAt" = now() WHERE id = $1 AND status = 'running'`,
    params: [id],
  };
}

/**
 * Marks trainings still "running" with no heartbeat since `before` as failed, and gives each one's
 * shop and reason, so they can be asked for again.
 */
export async function failStaleTrainingRuns(
  tx: Tx | Db,
  { before, note }: { before: Date; note: string },
): Promise<Array<{ shopDomain: string; reason: TrainingReason }>> {
  const stale = await tx.trainingRun.findMany({
    where: { status: "running", updatedAt: { lt: before } },
    select: { id: true, reason: true, shop: { select: { domain: true } } },
  });
  if (stale.length === 0) return [];
  await tx.trainingRun.updateMany({
    where: { id: { in: stale.map((run) => run.id) }, status: "running" },
    data: { status: "failed", note, finishedAt: new Date() },
  });
  return stale.map((run) => ({ shopDomain: run.shop.domain, reason: run.reason as TrainingReason }));
}

/** Whether a training of the shop that started after `since` completed (stored or skipped). */
export async function completedTrainingSince(
  tx: Tx | Db,
  { shopId, since }: { shopId: string; since: Date },
) {
  const run = await tx.trainingRun.findFirst({
    where: { shopId, status: { in: ["stored", "skipped"] }, startedAt: { gt: since } },
    select: { id: true },
  });
  return run !== null;
}

export async function latestTrainingRuns(tx: Tx | Db, { shopId, take }: { shopId: string; take: number }) {
  return tx.trainingRun.findMany({ where: { shopId }, orderBy: { startedAt: "desc" }, take });
}

/**
 * Orders placed after the data of the shop's last completed training (stored or skipped), counted
 * up to `limit` only: an index range scan of at most `limit` entries, cheap enough for every order.
 */
export async function ordersSinceLastTraining(
  tx: Tx | Db,
  { shopId, limit }: { shopId: string; limit: number },
): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM "Order" o
      WHERE o."shopId" = ${shopId}::uuid AND NOT o.test AND o."cancelledAt" IS NULL
        AND o."orderedAt" > COALESCE((
          SELECT r."dataTo" FROM "TrainingRun" r
          WHERE r."shopId" = ${shopId}::uuid AND r.status IN ('stored', 'skipped')
          ORDER BY r."startedAt" DESC LIMIT 1), '-infinity')
      LIMIT ${limit}) s`;
  return row?.n ?? 0;
}

/**
 * Installed shops whose data changed since their last completed training: orders written or
 * updated, products added, or customers redacted whose data a model may still reflect. A shop whose
 * last attempt failed counts from the attempt before it, so failures are retried.
 */
export async function shopsWithNewData(tx: Tx | Db): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ domain: string }>>`
    SELECT s.domain FROM "Shop" s
    LEFT JOIN LATERAL (
      SELECT r."startedAt" FROM "TrainingRun" r
      WHERE r."shopId" = s.id AND r.status IN ('stored', 'skipped')
      ORDER BY r."startedAt" DESC LIMIT 1) last ON true
    WHERE s."uninstalledAt" IS NULL AND (
      EXISTS (SELECT 1 FROM "Order" o
              WHERE o."shopId" = s.id AND o."updatedAt" > COALESCE(last."startedAt", '-infinity'))
      OR EXISTS (SELECT 1 FROM "Product" p
                 WHERE p."shopId" = s.id AND p."createdAt" > COALESCE(last."startedAt", '-infinity'))
      OR EXISTS (SELECT 1 FROM "CustomerRedaction" c
                 WHERE c."shopId" = s.id AND c."appliedToModelsAt" IS NULL))
    ORDER BY s.domain`;
  return rows.map((row) => row.domain);
}

export interface PendingRedaction {
  id: bigint;
  redactedAt: Date;
}

/**
 * Redactions not yet reflected in a model. Read before the training data: their orders were deleted
 * in the transaction that recorded them, so data read afterwards cannot contain them.
 */
export async function pendingRedactions(tx: Tx | Db, shopId: string): Promise<PendingRedaction[]> {
  return tx.customerRedaction.findMany({
    where: { shopId, appliedToModelsAt: null },
    select: { id: true, redactedAt: true },
  });
}

/**
 * Marks those redactions applied by `version`, the first version trained without them, unless the
 * customer was redacted again meanwhile. Call in the transaction that stores that version.
 */
export async function markRedactionsApplied(
  tx: Tx | Db,
  { redactions, version }: { redactions: PendingRedaction[]; version: number },
): Promise<number> {
  if (redactions.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE "CustomerRedaction" c SET "appliedToModelsAt" = now(), "appliedInVersion" = ${version}
    FROM unnest(${redactions.map((r) => r.id)}::bigint[], ${redactions.map((r) => r.redactedAt)}::timestamp[])
      AS t(id, redacted_at)
    WHERE c.id = t.id AND c."redactedAt" = t.redacted_at AND c."appliedToModelsAt" IS NULL`;
}

/**
 * The lowest version of the shop trained without every customer erased so far: the versions
 * before it may hold one of them. Null while an erasure waits for its training, when any version may.
 */
export async function firstVersionWithoutErased(tx: Tx | Db, shopId: string): Promise<number | null> {
  const [row] = await tx.$queryRaw<Array<{ pending: boolean; version: number | null }>>`
    SELECT bool_or("appliedToModelsAt" IS NULL) AS pending, max("appliedInVersion") AS version
    FROM "CustomerRedaction" WHERE "shopId" = ${shopId}::uuid`;
  if (row?.pending) return null;
  return row?.version ?? 1;
}

/**
 * Installed shops with a redaction older than `before` that no training has started since (or only
 * failed ones): its request was lost (Redis was away) or its training failed, so it is made again
 * instead of waiting for the night, which retrains only on new data.
 */
export async function shopsAwaitingErasureTraining(
  tx: Tx | Db,
  { before }: { before: Date },
): Promise<string[]> {
  // From the pending redactions (a partial index keeps them few), not from every shop.
  const rows = await tx.$queryRaw<Array<{ domain: string }>>`
    SELECT DISTINCT s.domain FROM "CustomerRedaction" c JOIN "Shop" s ON s.id = c."shopId"
    WHERE c."appliedToModelsAt" IS NULL AND c."redactedAt" < ${before} AND s."uninstalledAt" IS NULL
      AND NOT EXISTS (SELECT 1 FROM "TrainingRun" r
                      WHERE r."shopId" = c."shopId" AND r."startedAt" >= c."redactedAt"
                        AND r.status <> 'failed')
    ORDER BY s.domain`;
  return rows.map((row) => row.domain);
}
