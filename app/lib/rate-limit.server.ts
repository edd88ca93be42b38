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
export async function hitRateLimit({
  bucket,
  limit,
  windowMs,
}: {
  bucket: string;
  limit: number;
  windowMs: number;
}): Promise<RateLimitResult> {
  const key = `${env().QUEUE_PREFIX}:ratelimit:${bucket}`;
  try {
    const [count, ttl] = (await requestRedis().eval(FIXED_WINDOW, 1, key, windowMs)) as [number, number];
    return { allowed: count <= limit, count, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  } catch (error) {
    logger().warn({ error: describeError(error) }, "rate limit unchecked");
    return { allowed: true, count: 0, retryAfterSeconds: 0 };
  }
}

// A member joins the key's set only while the set holds fewer than ARGV[2]; the set expires with ARGV[3].
const DISTINCT_CAP = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/**
 * Whether `member` is among the first `limit` distinct members of a bucket (a member already in is
 * always); the bucket lasts `ttlMs` from its latest member. Fails open, like hitRateLimit.
 */
export async function admitDistinct({
  bucket,
  member,
  limit,
  ttlMs,
}: {
  bucket: string;
  member: string;
  limit: number;
  ttlMs: number;
}): Promise<boolean> {
  const key = `${env().QUEUE_PREFIX}:distinct:${bucket}`;
  try {
    return (await requestRedis().eval(DISTINCT_CAP, 1, key, member, limit, Math.max(1, ttlMs))) === 1;
  } catch (error) {
    logger().warn({ error: describeError(error) }, "distinct limit unchecked");
    return true;
  }
}
