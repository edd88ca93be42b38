import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env.server";

/**
 * A new Redis connection. Workers block on Redis and need maxRetriesPerRequest: null; producers
 * (web requests) fail fast instead of queueing commands while Redis is away, because a webhook is
 * already safe in Postgres and the sweeper enqueues it later.
 */
export function createRedis(role: "worker" | "producer"): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return new Redis(env().REDIS_URL, { ...options, lazyConnect: false });
}
