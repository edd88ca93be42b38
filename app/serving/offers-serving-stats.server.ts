import { env } from "~/env.server";
import { describeError } from "~/lib/errors";
import { bucketOf, emptyCounts, LATENCY_BUCKETS_MS, type ServingCounts } from "~/lib/serving-stats";
import { logger } from "~/logger.server";
import { requestRedis } from "~/redis.server";

/** Counts wait this long in the process, then are added to Redis in one round trip. */
const FLUSH_MS = 10_000;
const KEPT_DAYS = 35;
const DAY_MS = 86_400_000;
const FIELDS = [
  "requests",
  "failures",
  ...LATENCY_BUCKETS_MS.map((_, i) => `b${i}`),
  `b${LATENCY_BUCKETS_MS.length}`,
];

/** Per "<shop>|<day>", the answers not yet added to Redis. */
let pending = new Map<string, ServingCounts>();
let timer: NodeJS.Timeout | null = null;

function key(shopDomain: string, day: string): string {
  return `${env().QUEUE_PREFIX}:offers-served:${shopDomain}:${day}`;
}

function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Counts one answer of the offers endpoint for the shop's serving health: in memory on the request
 * path, added to Redis every FLUSH_MS by every server, so the nightly check reads them all.
 */
export function recordOffersAnswer(shopDomain: string, status: number, ms: number, at = new Date()): void {
  const slot = `${shopDomain}|${dayOf(at)}`;
  const counts = pending.get(slot) ?? emptyCounts();
  counts.requests += 1;
  if (status >= 500) counts.failures += 1;
  counts.buckets[bucketOf(ms)]! += 1;
  pending.set(slot, counts);
  timer ??= setTimeout(() => void flushOffersAnswers(), FLUSH_MS).unref();
}

/** Adds the counts waiting to Redis; a failure drops them with a warning (they are health figures, not money). */
export async function flushOffersAnswers(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const writing = pending;
  pending = new Map();
  if (writing.size === 0) return;
  try {
    await addCounts(writing);
  } catch (error) {
    logger().warn({ slots: writing.size, error: describeError(error) }, "offers serving counts not recorded");
  }
}

async function addCounts(writing: ReadonlyMap<string, ServingCounts>): Promise<void> {
  const pipeline = requestRedis().pipeline();
  for (const [slot, counts] of writing) {
    const [shopDomain, day] = slot.split("|") as [string, string];
    const target = key(shopDomain, day);
    const values = [counts.requests, counts.failures, ...counts.buckets];
    values.forEach((value, index) => {
      if (value > 0) pipeline.hincrby(target, FIELDS[index]!, value);
    });
    pipeline.expire(target, KEPT_DAYS * 86_400);
  }
  await pipeline.exec();
}

/**
 * The shop's offers answers over the `days` whole UTC days before `now`'s, and `now`'s so far: every
 * server's together.
 */
export async function offersAnswers(
  shopDomain: string,
  { days, now = new Date() }: { days: number; now?: Date },
): Promise<ServingCounts> {
  const pipeline = requestRedis().pipeline();
  for (let d = 0; d <= days; d++)
    pipeline.hgetall(key(shopDomain, dayOf(new Date(now.getTime() - d * DAY_MS))));
  const results = (await pipeline.exec()) ?? [];
  const total = emptyCounts();
  for (const [error, hash] of results) {
    if (error) throw error;
    const fields = (hash ?? {}) as Record<string, string>;
    total.requests += Number(fields.requests ?? 0);
    total.failures += Number(fields.failures ?? 0);
    total.buckets.forEach((_, index) => {
      total.buckets[index]! += Number(fields[`b${index}`] ?? 0);
    });
  }
  return total;
}
