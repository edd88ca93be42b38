import { describe, expect, it } from "vitest";
import { bucketOf, emptyCounts, formatMs, OVERFLOW_MS, servingAlerts, servingStats } from "./serving-stats";

/** Counts with `n` answers taking `ms` each, per [ms, n] pair. */
function counts(pairs: Array<[ms: number, n: number]>, failures = 0) {
  const result = emptyCounts();
  for (const [ms, n] of pairs) {
    result.requests += n;
    result.buckets[bucketOf(ms)]! += n;
  }
  result.failures = failures;
  return result;
}

describe("serving stats", () => {
  it("puts an answer in the first bucket whose bound it does not pass", () => {
    expect([0, 5, 5.1, 10, 499, 500, 501, 5_000, 5_001].map(bucketOf)).toEqual([0, 0, 1, 1, 6, 6, 7, 9, 10]);
  });

  it("reads each percentile as the bound of the bucket where its answer falls", () => {
    // 100 answers: 50 within 5 ms, 45 within 25 ms, 4 within 250 ms, 1 over 5 s.
    const stats = servingStats(
      counts([
        [3, 50],
        [20, 45],
        [200, 4],
        [9_000, 1],
      ]),
    );
    expect(stats).toEqual({ requests: 100, failures: 0, p50Ms: 5, p95Ms: 25, p99Ms: 250 });
    expect(
      servingStats(
        counts([
          [3, 98],
          [9_000, 2],
        ]),
      ).p99Ms,
    ).toBe(OVERFLOW_MS);
    expect(servingStats(emptyCounts())).toEqual({
      requests: 0,
      failures: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
    });
  });

  it("alerts past 0.1% failures or a 95th percentile over 500 ms, from 1,000 answers on", () => {
    const kinds = (stats: ReturnType<typeof servingStats>) => servingAlerts(stats).map((alert) => alert.kind);
    expect(kinds(servingStats(counts([[8, 1_000]], 1)))).toEqual([]);
    expect(kinds(servingStats(counts([[8, 1_000]], 2)))).toEqual(["serving-failures"]);
    expect(
      kinds(
        servingStats(
          counts([
            [8, 950],
            [700, 50],
          ]),
        ),
      ),
    ).toEqual([]);
    expect(
      kinds(
        servingStats(
          counts([
            [8, 949],
            [700, 51],
          ]),
        ),
      ),
    ).toEqual(["serving-latency"]);
    // Too few answers to judge, however bad.
    expect(kinds(servingStats(counts([[9_000, 999]], 999)))).toEqual([]);
  });

  it("says a figure past the last bucket as such", () => {
    expect(formatMs(250)).toBe("250 ms");
    expect(formatMs(OVERFLOW_MS)).toBe("over 5,000 ms");
  });
});
