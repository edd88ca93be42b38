import type { Redis } from "ioredis";
import { env } from "~/env.server";
import { QUEUE_NAMES, type QueueName } from "./definitions";

/**
 * What the job workers did, per queue, kept in Redis so that whichever process answers a metrics
 * scrape can read it: jobs finished and their durations (cumulative histogram buckets), and
 * failures (every failed attempt). Counters only grow, as Prometheus counters do; they restart from
 * zero only if Redis loses its data, which Prometheus reads as a counter reset.
 */

/** upper bounds of the job-duration buckets, in seconds: from a webhook's milliseconds to a training's minutes */
export const JOB_SECONDS_BUCKETS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600] as const;

export interface JobOutcomes {
  queue: QueueName;
  finished: number;
  failed: number;
  secondsSum: number;
  /** finished jobs that took at most each JOB_SECONDS_BUCKETS bound */
  cumulative: number[];
}

function key(): string {
  return `${env().QUEUE_PREFIX}:metrics:jobs`;
}

/** Counts a finished job and its duration, or a failed attempt. */
export async function recordJobOutcome(
  redis: Redis,
  { queue, seconds, failed }: { queue: QueueName; seconds: number; failed: boolean },
): Promise<void> {
  const batch = redis.multi();
  if (failed) batch.hincrby(key(), `${queue}:failed`, 1);
  else {
    const elapsed = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    batch.hincrby(key(), `${queue}:finished`, 1);
    batch.hincrbyfloat(key(), `${queue}:seconds`, elapsed);
    for (const bound of JOB_SECONDS_BUCKETS) {
      if (elapsed <= bound) batch.hincrby(key(), `${queue}:le:${bound}`, 1);
    }
  }
  await batch.exec();
}

export async function readJobOutcomes(redis: Redis): Promise<JobOutcomes[]> {
  const fields = await redis.hgetall(key());
  const read = (field: string) => {
    const value = Number(fields[field] ?? 0);
    return Number.isFinite(value) ? value : 0;
  };
  return QUEUE_NAMES.map((queue) => ({
    queue,
    finished: read(`${queue}:finished`),
    failed: read(`${queue}:failed`),
    secondsSum: read(`${queue}:seconds`),
    cumulative: JOB_SECONDS_BUCKETS.map((bound) => read(`${queue}:le:${bound}`)),
  }));
}
