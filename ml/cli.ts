import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { servedEngine } from "./artifact/artifact";
import { readOrderRows } from "./data/csv";
import { buildDataset, type Dataset } from "./data/dataset";
import { buildQueries, temporalSplit } from "./data/split";
import { evaluateModel, formatReportTable, type ModelReport } from "./evaluate/evaluate";
import { rankThroughEngine } from "./serve/engine";
import { BuyAgainRecommender } from "./train/buy-again";
import { CoPurchaseRecommender } from "./train/co-purchase";
import { EaseRecommender } from "./train/ease";
import { HybridRecommender } from "./train/hybrid";
import { FactorizationRecommender } from "./train/matrix-factorization";
import { PopularityRecommender } from "./train/popularity";
import type { Recommender } from "./train/recommender";
import { TifuKnnRecommender } from "./train/tifu-knn";

const USAGE = `usage:
  eval --data <orders.csv[.gz]> [--seed N] [--k 10] [--json out.json]
  recommend --train <orders.csv[.gz]> --queries <queries.jsonl> [--k 10] [--seed N]`;

const QueryLineSchema = z.object({
  id: z.string(),
  customer_id: z.string().nullish(),
  cart: z.array(z.string()).default([]),
  at: z.string().nullish(),
});

type Output = { out: (text: string) => void; log: (text: string) => void };

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  log: (text) => process.stderr.write(`${text}\n`),
};

function parseFlags(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
    flags.set(arg.slice(2), value);
    i++;
  }
  return flags;
}

function required(flags: Map<string, string>, name: string): string {
  const value = flags.get(name);
  if (!value) throw new Error(`--${name} is required\n${USAGE}`);
  return value;
}

function integer(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

/** Offline evaluation: temporal split, checkout queries, every model side by side. */
export async function runEval(args: string[], io: Output = stdio): Promise<ModelReport[]> {
  const flags = parseFlags(args);
  const seed = integer(flags, "seed", 7);
  const k = integer(flags, "k", 10);
  const data = buildDataset(await readOrderRows(required(flags, "data")));
  const { train, test, cutoff } = temporalSplit(data, 0.2);
  const queries = buildQueries(train, test, { seed, maxQueries: 3000 });
  io.log(
    `train orders ${train.orderIds.length}, test orders ${test.orderIds.length}, queries ${queries.length}`,
  );
  const buildHybrid = () => new HybridRecommender({ seed });
  // Each model is built when its turn comes, so a fitted one is freed before the next is timed.
  const models: Array<() => Recommender> = [
    () => new PopularityRecommender(),
    () => new CoPurchaseRecommender(),
    // The reference baseline at full strength: more products than the hybrid's EASE, λ tuned.
    () => new EaseRecommender({ maxItems: 2500, tuneScales: [0.5, 1, 2, 4] }),
    () => new BuyAgainRecommender(),
    // Combinations of the strong baselines, their weights tuned on the same validation split.
    () =>
      new HybridRecommender({
        seed,
        name: "ease-combo",
        signals: ["easeCart", "easeUser", "popularity"],
        ease: { maxItems: 2500 },
        ranker: false,
      }),
    () =>
      new HybridRecommender({
        seed,
        name: "co-purchase+buy-again",
        signals: ["coPurchase", "buyAgain", "popularity"],
        ranker: false,
      }),
    () =>
      new HybridRecommender({
        seed,
        name: "ease-combo+buy-again",
        signals: ["easeCart", "easeUser", "buyAgain", "popularity"],
        ease: { maxItems: 2500 },
        ranker: false,
      }),
    // Next-basket recommendation's reference (SIGIR 2020), with the cart's co-purchases added.
    () => new TifuKnnRecommender({ seed }),
    buildHybrid,
    // The ablation: the same hybrid with its TF.js part switched off, everything else equal.
    () => new HybridRecommender({ seed, name: "hybrid without TF.js", factorization: false }),
    // The TF.js part alone, with the defaults the hybrid trains it with.
    () => new FactorizationRecommender({ seed }),
  ];
  const returning = queries.filter((q) => q.returning).length;
  io.log(
    `queries from returning customers ${returning}, from newcomers and guests ${queries.length - returning}`,
  );
  // The hybrid runs first, in a process that has fitted nothing yet, as the training job fits it:
  // its fit time is a goal, and after the baselines' fits the same fit took up to a tenth longer,
  // which would time the process's history, not the model. The table keeps the order above.
  const hybrid = models.indexOf(buildHybrid);
  const runOrder = [hybrid, ...[...models.keys()].filter((i) => i !== hybrid)];
  const reports: ModelReport[] = new Array(models.length);
  for (const i of runOrder) {
    const model = models[i]!();
    io.log(`evaluating ${model.name}`);
    // The model of record is measured as it serves: through the engine, like the registry's holdout.
    const throughEngine =
      i === hybrid && model instanceof HybridRecommender
        ? async () => rankThroughEngine(await engineOver(model, train), train)
        : undefined;
    reports[i] = await evaluateModel(model, train, queries, k, throughEngine);
  }
  io.out(`${formatReportTable(reports)}\n`);
  const json = flags.get("json");
  if (json) {
    const cutoffIso = data.dated ? new Date(cutoff).toISOString() : String(cutoff);
    writeFileSync(
      json,
      `${JSON.stringify({ seed, k, cutoff: cutoffIso, queries: queries.length, reports }, null, 2)}\n`,
    );
  }
  return reports;
}

/** The outside-evaluation contract: one JSON line per query on stdout, logs on stderr. */
export async function runRecommend(args: string[], io: Output = stdio): Promise<void> {
  const flags = parseFlags(args);
  const k = integer(flags, "k", 10);
  const started = performance.now();
  const data = buildDataset(await readOrderRows(required(flags, "train")));
  const model = new HybridRecommender({ seed: integer(flags, "seed", 7) });
  await model.fit(data);
  io.log(`hybrid parameters ${JSON.stringify(model.params)}`);
  const rank = rankThroughEngine(await engineOver(model, data), data);
  io.log(
    `trained on ${data.orderIds.length} orders in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const { productIndex, customerIndex, productIds } = data.catalog;
  const lines = readFileSync(required(flags, "queries"), "utf8").split(/\r?\n/);
  let answered = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    const parsed = QueryLineSchema.safeParse(safeJson(line));
    if (!parsed.success) {
      io.log("skipping a query line that is not a valid query");
      continue;
    }
    const query = parsed.data;
    const cart = query.cart.map((id) => productIndex.get(id)).filter((i): i is number => i !== undefined);
    const customer = query.customer_id ? (customerIndex.get(query.customer_id) ?? -1) : -1;
    const ranked = rank({ orderId: query.id, customer, cart, targets: [], returning: customer >= 0 }, k);
    io.out(`${JSON.stringify({ id: query.id, products: ranked.map((product) => productIds[product]) })}\n`);
    answered++;
  }
  io.log(`answered ${answered} queries in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

export async function main(argv: string[], io: Output = stdio): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "eval") await runEval(rest, io);
  else if (command === "recommend") await runRecommend(rest, io);
  else throw new Error(USAGE);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

/** The engine a shop would be served after this fit: encoded to its artifact and decoded back. */
function engineOver(model: HybridRecommender, data: Dataset) {
  const { productIds, productTitles: titles } = data.catalog;
  return servedEngine({ params: model.params, arrays: model.state(), productIds, titles });
}
