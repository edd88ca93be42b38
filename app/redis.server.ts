import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env.server";
import { logger } from "./logger.server";

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
  const redis = new Redis(env().REDIS_URL, options);
  // ioredis reconnects by itself; without a listener each failed attempt is an "unhandled error".
  redis.on("error", (error) => logger().warn({ role, error: error.message }, "redis connection error"));
  return redis;
}
