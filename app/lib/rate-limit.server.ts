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

// A window opens at a key's first hit and lasts windowMs; the key expires with it.
const FIXED_WINDOW = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/**
 * Counts a request against a fixed-window limit in Redis. When Redis cannot answer in time the
 * request is let through (logged): what the limits protect is worth less than failing shoppers.
 */
export function hitRateLimit({ bucket, limit, windowMs }: RateLimitOptions): Promise<RateLimitResult> {
  const key = `${env().QUEUE_PREFIX}:ratelimit:${bucket}`;
  const open: RateLimitResult = { allowed: true, count: 0, retryAfterSeconds: 0 };
  return failingOpen("rate limit unchecked", open, async () => {
    const [count, ttl] = (await requestRedis().eval(FIXED_WINDOW, 1, key, windowMs)) as [number, number];
    return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  });
}

// A member joins the key's set only while the set holds fewer than ARGV[2]; the set expires with ARGV[3].
const DISTINCT_CAP = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

interface DistinctOptions {
  bucket: string;
  member: string;
  limit: number;
  ttlMs: number;
}

/**
 * Whether `member` is among the first `limit` distinct members of a bucket (a member already in is
 * always); the bucket lasts `ttlMs` from its latest member. Fails open, like hitRateLimit.
 */
export function admitDistinct({ bucket, member, limit, ttlMs }: DistinctOptions): Promise<boolean> {
  const key = `${env().QUEUE_PREFIX}:distinct:${bucket}`;
  return failingOpen(
    "distinct limit unchecked",
    true,
    async () => (await requestRedis().eval(DISTINCT_CAP, 1, key, member, limit, Math.max(1, ttlMs))) === 1,
  );
}

/** The check's answer, or `open` (logged as `message`) when Redis cannot give one in time. */
async function failingOpen<T>(message: string, open: T, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    logger().warn({ error: describeError(error) }, message);
    return open;
  }
}
