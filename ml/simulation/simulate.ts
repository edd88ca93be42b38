import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { formatLongTailReport, runLongTailSimulation } from "./long-tail-report";
import { formatSimulationReport } from "./simulate-report";
import { simulatedShop } from "./simulated-shop";
import { oracleBest, type Run, runOracle, runPolicy } from "./simulation-run";

/**
 * `npm run simulate`: the offer bandit and the discount policy learning online on the simulated shop,
 * against "no discount" and "always the largest allowed discount" (same bandit, fixed discount) and an
 * oracle that knows the true take probabilities.
 */

export interface SimulationOptions {
  seed?: number;
  rounds?: number;
  /** discount budget per 1,000 checkouts, refilled every 10,000 checkouts; default none */
  budgetPer1000?: number;
  /** number of evenly spaced regret checkpoints, default 10 */
  checkpoints?: number;
}

export interface PolicyOutcome {
  policy: string;
  margin: number;
  marginPer1000: number;
  discountPer1000: number;
  takeRate: number;
  /** share of the last 20% of checkouts shown their segment's best product */
  bestProductShareLate: number;
}

export interface RegretCheckpoint {
  round: number;
  /** cumulative expected margin lost against the oracle */
  policy: number;
  noDiscount: number;
  maxDiscount: number;
}

export interface SegmentSummary {
  segment: string;
  bestProduct: string;
  bestPercent: number;
  bestExpectedMargin: number;
  /** the policy, over the segment's checkouts in the last 20%: share shown the best product */
  lateShare: number;
  /** and the discount it gave most often */
  latePercent: number;
}

export interface SimulationReport {
  seed: number;
  rounds: number;
  budgetPer1000: number | null;
  policies: PolicyOutcome[];
  regret: RegretCheckpoint[];
  segments: SegmentSummary[];
}

export function runSimulation(options: SimulationOptions = {}): SimulationReport {
  const seed = options.seed ?? 7;
  const rounds = options.rounds ?? 50_000;
  const checkpoints = options.checkpoints ?? 10;
  if (!Number.isInteger(rounds) || rounds < 10)
    throw new RangeError("rounds must be a whole number of at least 10");
  const shop = simulatedShop();
  const config = { seed, rounds, budgetPer1000: options.budgetPer1000 };
  const runs: Array<[string, Run]> = [
    ["learned discounts", runPolicy(shop, "learned", config)],
    ["no discount", runPolicy(shop, "none", config)],
    ["largest allowed discount", runPolicy(shop, "max", config)],
    ["oracle", runOracle(shop, config)],
  ];
  const bests = shop.segments.map((segment) => oracleBest(shop, segment));
  const lateStart = Math.floor(rounds * 0.8);
  const bestShareLate = (run: Run) => {
    let hits = 0;
    for (let round = lateStart; round < rounds; round++) {
      if (run.chosen[round] === bests[run.segment[round]!]!.candidate) hits++;
    }
    return hits / (rounds - lateStart);
  };
  const policies = runs.map(([policy, run]) => ({
    policy,
    margin: run.margin,
    marginPer1000: (run.margin / rounds) * 1000,
    discountPer1000: (run.discount / rounds) * 1000,
    takeRate: run.takes / rounds,
    bestProductShareLate: bestShareLate(run),
  }));
  const [learned, none, max] = runs.map(([, run]) => run) as [Run, Run, Run];
  const regret = Array.from({ length: checkpoints }, (_, i) => {
    const round = Math.round(((i + 1) * rounds) / checkpoints);
    return {
      round,
      policy: learned.regret[round - 1]!,
      noDiscount: none.regret[round - 1]!,
      maxDiscount: max.regret[round - 1]!,
    };
  });
  const segments = shop.segments.map((segment, s) => {
    const best = bests[s]!;
    let seen = 0;
    let hits = 0;
    const percents = new Map<number, number>();
    for (let round = lateStart; round < rounds; round++) {
      if (learned.segment[round] !== s) continue;
      seen++;
      if (learned.chosen[round] !== best.candidate) continue;
      hits++;
      const percent = learned.percent[round]!;
      percents.set(percent, (percents.get(percent) ?? 0) + 1);
    }
    const latePercent = [...percents.entries()].reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0])[0];
    return {
      segment: segment.id,
      bestProduct: segment.candidates[best.candidate]!.product,
      bestPercent: best.percent,
      bestExpectedMargin: best.value,
      lateShare: seen > 0 ? hits / seen : 0,
      latePercent,
    };
  });
  return { seed, rounds, budgetPer1000: options.budgetPer1000 ?? null, policies, regret, segments };
}

const USAGE =
  "usage: simulate [--shop basic | long-tail] [--seed N | --seeds N,N,...] [--rounds N] " +
  "[--budget <per 1,000 checkouts>] [--explorations N] [--json <file | ->]";

/** The long-tail shop's defaults: three seeds of 60,000 checkouts, a budget of 300 per 1,000. */
const LONG_TAIL_DEFAULTS = { seeds: [1, 2, 3], rounds: 60_000, budgetPer1000: 300 };

interface Args {
  shop: "basic" | "long-tail";
  seeds: number[] | null;
  /** long-tail shop: explorations of the learned policy per seed */
  explorations: number;
  options: SimulationOptions;
  json: string | null;
}

function parseArgs(argv: readonly string[]): Args {
  const options: SimulationOptions = {};
  let json: string | null = null;
  let shop: Args["shop"] = "basic";
  let seeds: number[] | null = null;
  let explorations = 1;
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined || value.trim() === "") throw new Error(`${flag} needs a value\n${USAGE}`);
    const number = Number(value);
    const list = value.split(",").map((part) => (part.trim() === "" ? Number.NaN : Number(part)));
    if (flag === "--json") json = value;
    else if (flag === "--shop" && (value === "basic" || value === "long-tail")) shop = value;
    else if (flag === "--seeds" && list.length > 0 && list.every(Number.isInteger)) seeds = list;
    else if (flag === "--seed" && Number.isInteger(number)) options.seed = number;
    else if (flag === "--rounds" && Number.isInteger(number) && number >= 10) options.rounds = number;
    else if (flag === "--budget" && number >= 0) options.budgetPer1000 = number;
    else if (flag === "--explorations" && Number.isInteger(number) && number >= 1 && number <= 20)
      explorations = number;
    else throw new Error(`bad argument ${flag} ${value}\n${USAGE}`);
  }
  return { shop, seeds, explorations, options, json };
}

export function main(
  argv: readonly string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
): void {
  const { shop, seeds, explorations, options, json } = parseArgs(argv);
  if (shop === "long-tail") {
    const reports = runLongTailSimulation({
      seeds: seeds ?? (options.seed !== undefined ? [options.seed] : LONG_TAIL_DEFAULTS.seeds),
      rounds: options.rounds ?? LONG_TAIL_DEFAULTS.rounds,
      budgetPer1000: options.budgetPer1000 ?? LONG_TAIL_DEFAULTS.budgetPer1000,
      explorations,
    });
    if (json === "-") out(`${JSON.stringify(reports, null, 2)}\n`);
    else out(formatLongTailReport(reports));
    if (json && json !== "-") writeFileSync(json, `${JSON.stringify(reports, null, 2)}\n`);
    return;
  }
  if (seeds) throw new Error(`--seeds is for the long-tail shop\n${USAGE}`);
  if (explorations > 1) throw new Error(`--explorations is for the long-tail shop\n${USAGE}`);
  const report = runSimulation(options);
  if (json === "-") {
    out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  out(formatSimulationReport(report));
  if (json) writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
