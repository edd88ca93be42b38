import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { env } from "~/env.server";
import { createRedis } from "~/redis.server";
import { JOBS, type JobName, type JobPayload, parsePayload, type QueueName } from "./definitions";

/**
 * Two kinds of producers: "worker" waits for Redis (jobs, the command line), "producer" fails fast
 * (web requests, whose work is already safe in Postgres).
 */
type Role = "worker" | "producer";

const connections = new Map<Role, Redis>();
const queues = new Map<string, Queue>();

function connection(role: Role): Redis {
  let existing = connections.get(role);
  if (!existing) {
    existing = createRedis(role);
    connections.set(role, existing);
  }
  return existing;
}

export function queue(name: QueueName, role: Role = "worker"): Queue {
  const key = `${role}:${name}`;
  let existing = queues.get(key);
  if (!existing) {
    existing = new Queue(name, { connection: connection(role), prefix: env().QUEUE_PREFIX });
    existing.on("error", () => {});
    queues.set(key, existing);
  }
  return existing;
}

function add<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  role: Role,
  { jobId, delay }: EnqueueOptions,
) {
  const definition = JOBS[name];
  const data = parsePayload(name, payload);
  return queue(definition.queue, role).add(name, data, { ...definition.options, jobId, delay });
}

interface EnqueueOptions {
  jobId?: string;
  delay?: number;
}

/** Adds a job with its definition's options, waiting for Redis if it is away; the payload is validated first. */
export async function enqueue<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  options: EnqueueOptions = {},
) {
  return add(name, payload, "worker", options);
}

/**
 * Makes sure a job with this id will run: a waiting, delayed or active one is left alone, a failed
 * or finished one is replaced by a new job. Plain `add` with an existing id does nothing, which
 * would leave work whose first job failed or stalled out stuck until that job expired. A failed job
 * is not retried: a retry keeps its old timestamp, payload and spent attempts, and the training
 * handler takes the timestamp as the time of the request.
 */
export async function ensureQueued<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  { jobId }: { jobId: string },
): Promise<"queued" | "waiting" | "active"> {
  const existing = await queue(JOBS[name].queue).getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state === "active") return "active";
    if (state !== "failed" && state !== "completed" && state !== "unknown") return "waiting";
    await existing.remove();
  }
  await enqueue(name, payload, { jobId });
  return "queued";
}

/** Like enqueue, but gives up after `ms` instead of waiting for an unreachable Redis. */
export async function tryEnqueue<N extends JobName>(
  name: N,
  payload: JobPayload<N>,
  options: EnqueueOptions = {},
  ms = env().ENQUEUE_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([add(name, payload, "producer", options).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `listener` whenever the queues' connection is ready again after losing Redis (ioredis
 * reconnects by itself); a Redis that restarted empty has lost every job and scheduler meanwhile.
 * Returns a function that stops listening.
 */
export function onQueuesReconnected(listener: () => void): () => void {
  const redis = connection("worker");
  let lost = redis.status !== "ready";
  const onClose = () => {
    lost = true;
  };
  const onReady = () => {
    if (!lost) return;
    lost = false;
    listener();
  };
  redis.on("close", onClose);
  redis.on("ready", onReady);
  return () => {
    redis.off("close", onClose);
    redis.off("ready", onReady);
  };
}

export async function closeQueues() {
  const open = [...queues.values()];
  queues.clear();
  await Promise.allSettled(open.map((q) => q.close()));
  for (const connection of connections.values()) connection.disconnect();
  connections.clear();
}
