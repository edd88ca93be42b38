import { hostname } from "node:os";
import { pathToFileURL } from "node:url";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { z } from "zod";
import { disconnectDb } from "~/db.server";
import { env } from "~/env.server";
import { describeError } from "~/lib/errors";
import { lowerProcessPriority } from "~/lib/process-priority.server";
import { logger } from "~/logger.server";
import { createRedis } from "~/redis.server";
import { isJobName, JOBS, parsePayload, QUEUE_NAMES, type QueueName } from "./definitions";
import { HANDLERS } from "./handlers.server";
import { recordJobOutcome } from "./job-metrics.server";
import { closeQueues } from "./queues.server";
import { ensureSchedules, keepSchedules, sweepNow } from "./schedules.server";

/** Runs a job through its handler; bad payloads fail for good instead of being retried. */
async function run(job: Job, token?: string, signal?: AbortSignal) {
  if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job ${job.name}`);
  let payload: unknown;
  try {
    payload = parsePayload(job.name, job.data);
  } catch (error) {
    if (error instanceof z.ZodError) throw new UnrecoverableError(`invalid payload: ${describeError(error)}`);
    throw error;
  }
  const attempts = job.opts.attempts ?? 1;
  const log = logger().child({ queue: job.queueName, job: job.name, jobId: job.id });
  const handler = HANDLERS[job.name] as (payload: unknown, context: object) => Promise<unknown>;
  return handler(payload, { job, token, signal, log, finalAttempt: job.attemptsMade + 1 >= attempts });
}

export interface RunningWorkers {
  close(): Promise<void>;
}

/**
 * Starts one BullMQ worker per queue. Each job is locked to one worker at a time, so several
 * processes, here or on other machines, share the queues without running a job twice.
 */
export async function startWorkers({
  queues = QUEUE_NAMES.filter((name) => Object.values(JOBS).some((job) => job.queue === name)),
  concurrency = env().WORKER_CONCURRENCY,
  scheduleCheckMs = env().SWEEP_INTERVAL_MS,
}: {
  queues?: readonly QueueName[];
  concurrency?: number;
  /** how often the job schedulers are checked for being lost with Redis's data */
  scheduleCheckMs?: number;
} = {}): Promise<RunningWorkers> {
  const log = logger();
  const counts = createRedis("producer");
  const workers = queues.map((name) => {
    const worker = new Worker(name, run, {
      name: `${hostname()}:${process.pid}`,
      connection: createRedis("worker"),
      prefix: env().QUEUE_PREFIX,
      // Discount jobs of different shops run side by side: Shopify's cost bucket is per shop.
      concurrency: { ingest: concurrency, backfill: 1, train: env().TRAIN_CONCURRENCY, discounts: 2 }[name],
      // Training holds the CPU for long stretches; a short lock would let another worker take it over.
      ...(name === "train" ? { lockDuration: 10 * 60_000, stalledInterval: 5 * 60_000 } : {}),
    });
    // Counted for the operators' metrics (GET /metrics); a count that cannot be written is lost,
    // never the job's outcome.
    const count = (job: Job | undefined, failed: boolean) => {
      const seconds = job?.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0;
      recordJobOutcome(counts, { queue: name, seconds, failed }).catch((error) =>
        log.warn({ queue: name, error: describeError(error) }, "job not counted"),
      );
    };
    worker.on("completed", (job) => count(job, false));
    worker.on("failed", (job, error) => {
      count(job, true);
      log.warn({ queue: name, job: job?.name, jobId: job?.id, error: describeError(error) }, "job failed");
    });
    worker.on("error", (error) => log.error({ queue: name, error: describeError(error) }, "worker error"));
    return worker;
  });
  await ensureSchedules(queues, { replace: true });
  // A worker starting after an outage picks up what was recorded meanwhile without waiting a period.
  if (queues.includes("ingest")) await sweepNow();
  const stopKeeping = keepSchedules({ queues, checkEveryMs: scheduleCheckMs, log });
  log.info({ queues, concurrency }, "workers started");
  return {
    async close() {
      stopKeeping();
      // Jobs that wait on something outside (a bulk operation's polling) stop at the signal; the
      // rest finish as they are.
      for (const worker of workers) worker.cancelAllJobs("worker closing");
      await Promise.all(workers.map((worker) => worker.close()));
      await counts.quit().catch(() => counts.disconnect());
      await closeQueues();
    },
  };
}

async function main() {
  // Signal handlers come first: a stop requested during start-up waits for start-up, then closes.
  let stopping = false;
  // Training holds a CPU for minutes; on a machine it shares with a server, checkouts come first.
  if (env().WORKER_QUEUES.includes("train")) lowerProcessPriority(env().TRAIN_NICE);
  const started = startWorkers({ queues: env().WORKER_QUEUES });
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "workers stopping");
    await (await started).close();
    await disconnectDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  await started;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    logger().fatal({ error: describeError(error) }, "worker failed to start");
    process.exit(1);
  });
}
