import type { RepeatOptions } from "bullmq";
import type { Logger } from "pino";
import { env } from "~/env.server";
import { describeError } from "~/lib/errors";
import { JOBS, type JobName, type QueueName } from "./definitions";
import { onQueuesReconnected, queue } from "./queues.server";

interface Schedule {
  queue: QueueName;
  id: string;
  repeat: Omit<RepeatOptions, "key">;
  job: JobName;
}

/** Recurring work. Its schedulers live only in Redis, so a Redis that restarts empty loses them. */
function schedules(): Schedule[] {
  return [
    { queue: "ingest", id: "sweep", repeat: { every: env().SWEEP_INTERVAL_MS }, job: "sweep" },
    {
      queue: "ingest",
      id: "hourly-guardrails",
      repeat: { pattern: "17 * * * *", tz: "UTC" },
      job: "check-guardrails",
    },
    {
      queue: "ingest",
      id: "hourly-delivery-prune",
      repeat: { pattern: "41 * * * *", tz: "UTC" },
      job: "prune-deliveries",
    },
    // Products added to or removed from an excluded collection in Shopify count from the next night.
    {
      queue: "backfill",
      id: "nightly-collection-sync",
      repeat: { pattern: "30 2 * * *", tz: "UTC" },
      job: "schedule-collection-sync",
    },
    // A new month reopens a spent budget; a discount deleted in the Shopify admin comes back.
    {
      queue: "discounts",
      id: "nightly-offer-discount-sync",
      repeat: { pattern: "5 0 * * *", tz: "UTC" },
      job: "schedule-offer-discount-sync",
    },
    // An hour before the default nightly training, whose run then includes the trainings it asks for.
    {
      queue: "train",
      id: "nightly-health-checks",
      repeat: { pattern: "0 2 * * *", tz: "UTC" },
      job: "schedule-health-checks",
    },
    {
      queue: "train",
      id: "nightly-training",
      repeat: { pattern: env().TRAIN_NIGHTLY_CRON, tz: "UTC" },
      job: "schedule-training",
    },
  ];
}

/**
 * Creates the schedulers of these queues. With `replace` every one is upserted (at start, so a
 * changed setting takes effect); without, only those Redis lacks, since upserting a pattern
 * scheduler whose job is running fails. Returns the ids created or replaced.
 */
export async function ensureSchedules(
  queues: readonly QueueName[],
  { replace = false }: { replace?: boolean } = {},
): Promise<string[]> {
  const written: string[] = [];
  for (const schedule of schedules()) {
    if (!queues.includes(schedule.queue)) continue;
    const scheduler = queue(schedule.queue);
    if (!replace && (await scheduler.getJobScheduler(schedule.id))) continue;
    const { options } = JOBS[schedule.job];
    await scheduler.upsertJobScheduler(schedule.id, schedule.repeat, {
      name: schedule.job,
      data: {},
      opts: options,
    });
    written.push(schedule.id);
  }
  return written;
}

/**
 * Queues a sweep now and another shortly after, both of everything pending: after an outage none
 * of it is on its way to Redis, and the second catches what web processes recorded while their own
 * connections were still coming back.
 */
export async function sweepNow() {
  const ingest = queue("ingest");
  await ingest.add("sweep", { graceMs: 0 }, JOBS.sweep.options);
  await ingest.add("sweep", { graceMs: 0 }, { ...JOBS.sweep.options, delay: 10_000 });
}

/**
 * Keeps the schedulers of these queues in Redis for as long as the process runs: recreated (and a
 * sweep run at once) whenever the queues' connection is ready again after losing Redis, and
 * checked every `checkEveryMs` in case Redis lost them without the connection noticing. Returns a
 * stop function.
 */
export function keepSchedules({
  queues,
  checkEveryMs,
  log,
}: {
  queues: readonly QueueName[];
  checkEveryMs: number;
  log: Logger;
}): () => void {
  // Checks run one after another; while Redis is away one waits for it, and the timer adds no more.
  let chain = Promise.resolve();
  let waiting = 0;
  const check = (cause: "reconnect" | "timer") => {
    if (cause === "timer" && waiting > 0) return;
    waiting += 1;
    chain = chain.then(async () => {
      waiting -= 1;
      try {
        const created = await ensureSchedules(queues);
        if (created.length > 0) log.warn({ cause, created }, "job schedulers recreated");
        if (queues.includes("ingest") && (cause === "reconnect" || created.length > 0)) await sweepNow();
      } catch (error) {
        log.warn({ cause, error: describeError(error) }, "job schedulers not checked");
      }
    });
  };
  const timer = setInterval(() => check("timer"), checkEveryMs);
  const stopListening = onQueuesReconnected(() => check("reconnect"));
  return () => {
    clearInterval(timer);
    stopListening();
  };
}
