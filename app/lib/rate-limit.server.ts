import type { Redis } from "ioredis";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { requestRedis } from "~/redis.server";
import { describeError } from "./errors";

export interface RateLimitResult {
  allowed: boolean;
  /** requests counted in the current window, this one included; 0 when Redis could not be asked */
  count: number;
  retryAfterSeconds: number;
}

interface RateLimitOptions {
  bucket: string;
  limit: number;
  windowMs: number;
}

/**
 * One round trip: the fixed-window count (a window opens at a key's first hit and lasts windowMs;
 * the key expires with it), then, when the hit is allowed and KEYS[2] is given, whether ARGV[3]
 * joins the distinct set KEYS[2] (a member already in always does; a new one only while the set
 * holds fewer than ARGV[4]; the set expires ARGV[5] ms after its latest member). Returns
 * {count, ttl, admitted}, admitted -1 when not asked.
 */
const LIMIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if #KEYS < 2 or count > tonumber(ARGV[2]) then return {count, ttl, -1} end
if redis.call('SISMEMBER', KEYS[2], ARGV[3]) == 1 then return {count, ttl, 1} end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {count, ttl, 0} end
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {count, ttl, 1}`;

interface DistinctOptions {
  bucket: string;
  member: string;
  limit: number;
  ttlMs: number;
}

type Limiting = Redis & {
  limit(...args: (string | number)[]): Promise<[number, number, number]>;
};

/** The request connection, with the LIMIT script defined on it (sent by its hash after the first use). */
function limiting(): Limiting {
  const redis = requestRedis() as Limiting;
  if (typeof redis.limit !== "function") redis.defineCommand("limit", { lua: LIMIT });
  return redis;
}

/**
 * Counts a request against a fixed-window limit in Redis and, when `admit` is given and the request
 * is allowed, whether its member is among the first `admit.limit` distinct members of that bucket,
 * in the same round trip. When Redis cannot answer in time the request is let through and the
 * member admitted (logged): what the limits protect is worth less than failing shoppers.
 */
export async function hitRateLimit({
  bucket,
  limit,
  windowMs,
  admit,
}: RateLimitOptions & { admit?: DistinctOptions }): Promise<
  RateLimitResult & {
    admitted: boolean /** false when Redis did not answer and all was let through */;
    checked: boolean;
  }
> {
  const prefix = env().QUEUE_PREFIX;
  const keys = [`${prefix}:ratelimit:${bucket}`];
  const args: (string | number)[] = [windowMs, limit];
  if (admit) {
    keys.push(`${prefix}:distinct:${admit.bucket}`);
    args.push(admit.member, admit.limit, Math.max(1, admit.ttlMs));
  }
  const open = { allowed: true, count: 0, retryAfterSeconds: 0, admitted: true, checked: false };
  try {
    const [count, ttl, admitted] = await limiting().limit(keys.length, ...keys, ...args);
    return {
      allowed: count <= limit,
      count,
      retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)),
      admitted: admitted !== 0,
      checked: true,
    };
  } catch (error) {
    logger().warn({ error: describeError(error) }, "rate limit unchecked");
    return open;
  }
}
