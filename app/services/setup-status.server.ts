import type { Db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { describeError } from "~/lib/errors";
import { HoldoutMetricsSchema } from "~/lib/model-promotion";
import { logger } from "~/logger.server";
import { findShop } from "~/models/shops.server";
import { trainingJobId } from "./request-training.server";

/** How long a page waits for Redis to tell a job's progress before showing what Postgres knows. */
const JOB_READ_TIMEOUT_MS = 300;
/** A training run still "running" after this long died with its process; it is not shown as running. */
const STALE_RUN_MS = 2 * 3_600_000;

export interface ImportStatus {
  kind: string;
  status: string;
  stage: string | null;
  processed: number;
  rejected: number;
  /** records of the current stage's file, when the worker reported them */
  stageProcessed: number | null;
  stageTotal: number | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface TrainingStatus {
  /** queued: waiting for a worker; running: a worker trains now */
  state: "idle" | "queued" | "running";
  stage: string | null;
  step: string | null;
  orders: number | null;
  lastRun: {
    status: string;
    reason: string;
    note: string | null;
    version: number | null;
    startedAt: Date;
    finishedAt: Date | null;
  } | null;
}

export interface LiveModel {
  version: number;
  trainedAt: Date;
  promotedAt: Date | null;
  orderCount: number;
  dataFrom: Date | null;
  dataTo: Date | null;
  metrics: { queries: number; ndcg: number; ndcgStdErr: number; hitRate: number; recall: number } | null;
}

export interface SetupStatus {
  import: ImportStatus | null;
  training: TrainingStatus;
  liveModel: LiveModel | null;
  /** something runs: the page polls until it is done */
  busy: boolean;
}

const IDLE: TrainingStatus = { state: "idle", stage: null, step: null, orders: null, lastRun: null };

/**
 * Where the shop stands in its setup: the latest history import with its progress, the training
 * under way or the last one, and the live model. Progress comes from the jobs in Redis when it
 * answers quickly, else from what the runs recorded in Postgres.
 */
export async function getSetupStatus(database: Db, shopDomain: string): Promise<SetupStatus> {
  const shop = await findShop(database, shopDomain);
  if (!shop) return { import: null, training: IDLE, liveModel: null, busy: false };
  const [latestImport, lastRun, live, trainJob] = await Promise.all([
    database.importRun.findFirst({
      where: { shopId: shop.id },
      orderBy: { startedAt: "desc" },
      select: {
        id: true,
        kind: true,
        status: true,
        stage: true,
        processed: true,
        rejected: true,
        error: true,
        startedAt: true,
        finishedAt: true,
      },
    }),
    database.trainingRun.findFirst({
      where: { shopId: shop.id },
      orderBy: { startedAt: "desc" },
      select: { status: true, reason: true, note: true, version: true, startedAt: true, finishedAt: true },
    }),
    database.modelVersion.findFirst({
      where: { shopId: shop.id, status: "live" },
      select: {
        version: true,
        trainedAt: true,
        promotedAt: true,
        orderCount: true,
        dataFrom: true,
        dataTo: true,
        metrics: true,
      },
    }),
    readJob("train", trainingJobId(shopDomain)),
  ]);
  const importRunning = latestImport?.status === "queued" || latestImport?.status === "running";
  const importJob =
    importRunning && latestImport.kind === "bulk"
      ? await readJob("backfill", `bulk-${latestImport.id}`)
      : null;
  const importProgress = importJob?.progress as { processed?: unknown; total?: unknown } | undefined;

  const training = trainingStatus(lastRun, trainJob);
  return {
    import: latestImport
      ? {
          kind: latestImport.kind,
          status: latestImport.status,
          stage: latestImport.stage,
          processed: latestImport.processed,
          rejected: latestImport.rejected,
          stageProcessed: typeof importProgress?.processed === "number" ? importProgress.processed : null,
          stageTotal: typeof importProgress?.total === "number" ? importProgress.total : null,
          error: latestImport.error,
          startedAt: latestImport.startedAt,
          finishedAt: latestImport.finishedAt,
        }
      : null,
    training,
    liveModel: live ? { ...live, metrics: HoldoutMetricsSchema.safeParse(live.metrics).data ?? null } : null,
    busy: importRunning || training.state !== "idle",
  };
}

interface JobSnapshot {
  state: string;
  progress: unknown;
}

function trainingStatus(lastRun: TrainingStatus["lastRun"], job: JobSnapshot | null): TrainingStatus {
  const progress = (job?.progress ?? {}) as { stage?: unknown; step?: unknown; orders?: unknown };
  const base = { ...IDLE, lastRun };
  if (job?.state === "active") {
    return {
      ...base,
      state: "running",
      stage: typeof progress.stage === "string" ? progress.stage : null,
      step: typeof progress.step === "string" ? progress.step : null,
      orders: typeof progress.orders === "number" ? progress.orders : null,
    };
  }
  if (job && ["waiting", "delayed", "prioritized", "waiting-children"].includes(job.state)) {
    return { ...base, state: "queued" };
  }
  // No job under way (or Redis did not say): a recent run recorded as running was started by hand
  // (npm run models train); one whose job failed died with its worker.
  const running =
    lastRun?.status === "running" &&
    Date.now() - lastRun.startedAt.getTime() < STALE_RUN_MS &&
    job?.state !== "failed";
  return running ? { ...base, state: "running" } : base;
}

/** A job's state and progress, or null when Redis does not know it or does not answer in time. */
async function readJob(queueName: "train" | "backfill", jobId: string): Promise<JobSnapshot | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), JOB_READ_TIMEOUT_MS);
  });
  const read = (async () => {
    const job = await queue(queueName, "producer").getJob(jobId);
    if (!job) return null;
    return { state: await job.getState(), progress: job.progress };
  })().catch((error: unknown) => {
    logger().warn({ queue: queueName, error: describeError(error) }, "job progress not read");
    return null;
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
