/**
 * The checkout bench's report: a table of its runs, the goals checked against them, and the JSON
 * summary (docs/bench.md says how to read it).
 */
import { writeFileSync } from "node:fs";
import { type LoadResult, printRuns } from "./load";

export interface BenchRuns {
  saturated: LoadResult;
  poisson: LoadResult;
  training: LoadResult;
  promotion: LoadResult & { windowMax: number; windowSeconds: number; servedAfterMs: number };
  floor: LoadResult;
  bare: LoadResult;
  artifactBytes: number;
}

/**
 * What `--json <file>` holds: rates in checkouts per second (the Poisson runs' the rate offered,
 * half the saturated rate), latencies of the offers requests in ms.
 */
export function summary(runs: BenchRuns, offeredRate: number) {
  return {
    poisson: { rate: offeredRate, p50_ms: runs.poisson.p50, p99_ms: runs.poisson.p99 },
    saturated: { req_s: runs.saturated.perSecond, cpu_ms_per_request: runs.saturated.serverCpuMs ?? null },
    floor: { req_s: runs.floor.perSecond, cpu_ms_per_request: runs.floor.serverCpuMs ?? null },
    bare: { req_s: runs.bare.perSecond },
    training: { rate: offeredRate, p99_ms: runs.training.p99 },
    artifact_bytes: runs.artifactBytes,
    promotion: { max_ms: runs.promotion.windowMax },
  };
}

/** The product's goals, each held or missed, with the numbers it was decided on. */
export function goals(runs: BenchRuns, offeredRate: number) {
  const { poisson, training, saturated, floor, promotion, artifactBytes } = runs;
  const cpuRatio = (saturated.serverCpuMs ?? Number.NaN) / (floor.serverCpuMs ?? Number.NaN);
  return [
    {
      goal: `p99 <= 20 ms at half the saturated rate (${offeredRate}/s)`,
      value: `p99 ${poisson.p99} ms`,
      holds: poisson.p99 <= 20,
    },
    {
      goal: "p99 <= 50 ms at the same rate while the shop trains",
      value: `p99 ${training.p99} ms`,
      holds: training.p99 <= 50,
    },
    {
      goal: "saturated CPU per checkout <= 2 x the floor's CPU per request",
      value: `${saturated.serverCpuMs} / ${floor.serverCpuMs} ms = ${cpuRatio.toFixed(2)} x`,
      holds: cpuRatio <= 2,
    },
    {
      goal: "live model artifact <= 10 MB",
      value: `${(artifactBytes / 1e6).toFixed(2)} MB (${artifactBytes} bytes)`,
      holds: artifactBytes <= 10_000_000,
    },
    {
      goal: "max <= 50 ms around a promotion",
      value: `max ${promotion.windowMax} ms over ${promotion.windowSeconds} s, served after ${promotion.servedAfterMs} ms`,
      holds: promotion.windowMax <= 50,
    },
  ];
}

/** Prints the runs and the goals; writes the summary to `jsonFile` when given. */
export function report(
  runs: BenchRuns,
  { offeredRate, jsonFile }: { offeredRate: number; jsonFile?: string },
) {
  const { saturated, poisson, promotion, training, floor, bare } = runs;
  printRuns([saturated, poisson, promotion, training, floor, bare]);
  for (const goal of goals(runs, offeredRate)) {
    console.log(`${goal.holds ? "PASS" : "FAIL"}  ${goal.goal}: ${goal.value}`);
  }
  const json = summary(runs, offeredRate);
  console.log(JSON.stringify(json));
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);
}
