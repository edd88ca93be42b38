import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { env } from "~/env.server";
import { createRedis } from "~/redis.server";
import { JOBS, type JobName, type JobPayload, parsePayload, type QueueName } from "./definitions";

let connection: Redis | undefined;
const queues = new Map<QueueName, Queue>();

export function queue(name: QueueName): Queue {
  let existing = queues.get(name);
  if (!existing) {
    connection ??= createRedis("producer");
    existing = new Queue(name, { connection, prefix: env().QUEUE_PREFIX });
    existing.on("error", () => {});
    queues.set(name, existing);
  }
  return existing;
}

/** Adds a job with its definition's options; the payload is validated first. */
export async function enqueue<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  { jobId, delay }: { jobId?: string; delay?: number } = {},
) {
  const definition = JOBS[name];
  const data = parsePayload(name, payload);
  return queue(definition.queue).add(name, data, { ...definition.options, jobId, delay });
}

/** Like enqueue, but gives up after `ms` instead of waiting for an unreachable Redis. */
export async function tryEnqueue<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  options: { jobId?: string } = {},
  ms = env().ENQUEUE_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([enqueue(name, payload, options).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function closeQueues() {
  const open = [...queues.values()];
  queues.clear();
  await Promise.allSettled(open.map((q) => q.close()));
  connection?.disconnect();
  connection = undefined;
}
