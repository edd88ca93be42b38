import type { HealthAlert } from "./model-health";

/**
 * The offers endpoint as shoppers meet it, per shop: answers and failures, and their durations in
 * buckets, so percentiles can be read from counts summed across servers and days.
 */
const LAST_BOUND_MS = 5_000;
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, LAST_BOUND_MS] as const;

export interface ServingCounts {
  requests: number;
  /** answers with a 5xx status: the checkout got nothing because of us */
  failures: number;
  /** per bucket of LATENCY_BUCKETS_MS, then one for longer: answers that took at most its bound */
  buckets: number[];
}

export interface ServingStats {
  requests: number;
  failures: number;
  /** upper bounds of the buckets holding each percentile (OVERFLOW_MS beyond the last); null without requests */
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Stands for "longer than the last bucket's bound". */
export const OVERFLOW_MS = 2 * LAST_BOUND_MS;

/** Built for Shopify's bar for apps in the checkout path: p95 ≤ 500 ms and failures ≤ 0.1% over 28 days. */
export const SERVING_P95_LIMIT_MS = 500;
export const SERVING_FAILURE_LIMIT = 0.001;
/** Below this many answers the bar is not judged (Built for Shopify asks for 1,000 in 28 days). */
export const MIN_SERVING_REQUESTS = 1_000;
export const SERVING_DAYS = 28;

export function bucketOf(ms: number): number {
  const index = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? LATENCY_BUCKETS_MS.length : index;
}

export function emptyCounts(): ServingCounts {
  return { requests: 0, failures: 0, buckets: Array(LATENCY_BUCKETS_MS.length + 1).fill(0) };
}

/**
 * Percentiles from the bucket counts: the bound of the bucket where the q-th answer falls, an upper
 * bound of the true figure. Beyond the last bound it is OVERFLOW_MS ("over 5,000 ms").
 */
export function servingStats(counts: ServingCounts): ServingStats {
  const total = counts.buckets.reduce((sum, n) => sum + n, 0);
  const quantile = (q: number): number | null => {
    if (total === 0) return null;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (const [index, n] of counts.buckets.entries()) {
      seen += n;
      if (seen >= rank) return LATENCY_BUCKETS_MS[index] ?? OVERFLOW_MS;
    }
    return OVERFLOW_MS;
  };
  return {
    requests: counts.requests,
    failures: counts.failures,
    p50Ms: quantile(0.5),
    p95Ms: quantile(0.95),
    p99Ms: quantile(0.99),
  };
}

/** Alerts when the offers endpoint misses the checkout's bar over enough answers to judge. */
export function servingAlerts(stats: ServingStats): HealthAlert[] {
  if (stats.requests < MIN_SERVING_REQUESTS) return [];
  const alerts: HealthAlert[] = [];
  const failureRate = stats.failures / stats.requests;
  if (failureRate > SERVING_FAILURE_LIMIT) {
    alerts.push({
      kind: "serving-failures",
      message: `${(failureRate * 100).toFixed(2)}% of the last ${SERVING_DAYS} days' ${stats.requests.toLocaleString("en")} offer requests failed (the bar is ${SERVING_FAILURE_LIMIT * 100}%).`,
    });
  }
  if (stats.p95Ms !== null && stats.p95Ms > SERVING_P95_LIMIT_MS) {
    alerts.push({
      kind: "serving-latency",
      message: `One offer request in 20 took over ${SERVING_P95_LIMIT_MS} ms in the last ${SERVING_DAYS} days (95th percentile up to ${formatMs(stats.p95Ms)}).`,
    });
  }
  return alerts;
}

export function formatMs(ms: number): string {
  return ms > LAST_BOUND_MS
    ? `over ${LAST_BOUND_MS.toLocaleString("en")} ms`
    : `${ms.toLocaleString("en")} ms`;
}
