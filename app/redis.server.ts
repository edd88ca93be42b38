import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env.server";
import { logger } from "./logger.server";

/**
 * A new Redis connection. Workers block on Redis and need maxRetriesPerRequest: null; producers
 * (web requests) fail fast instead of queueing commands while Redis is away, because a webhook is
 * already safe in Postgres and the sweeper enqueues it later. "request" connections serve checks
 * made while a shopper waits (rate limits): a command gets a few hundred milliseconds, then fails;
 * the commands of concurrent requests go out together, one write for all issued in the same tick.
 */
export function createRedis(role: "worker" | "producer" | "request"): Redis {
  const options: RedisOptions = {
    worker: { maxRetriesPerRequest: null },
    producer: { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 },
    request: {
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: 300,
      enableAutoPipelining: true,
    },
  }[role];
  const redis = new Redis(env().REDIS_URL, options);
  // ioredis reconnects by itself; without a listener each failed attempt is an "unhandled error".
  redis.on("error", (error) => logger().warn({ role, error: error.message }, "redis connection error"));
  return redis;
}

let requestConnection: Redis | undefined;

/** The process's connection for request-time checks, opened on first use. */
export function requestRedis(): Redis {
  requestConnection ??= createRedis("request");
  return requestConnection;
}

export function closeRequestRedis() {
  requestConnection?.disconnect();
  requestConnection = undefined;
}
