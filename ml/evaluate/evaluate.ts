import { type Dataset, numProducts } from "../data/dataset";
import { customerHistories } from "../data/history";
import type { EvalQuery } from "../data/split";
import { type Recommender, recommendTop } from "../train/recommender";
import { catalogCoverage, hitRate, ndcg, recall } from "./metrics";

export interface SegmentMetrics {
  queries: number;
  hitRate: number;
  recall: number;
  ndcg: number;
}

export interface ModelReport extends RankingMetrics {
  model: string;
  k: number;
  fitSeconds: number;
  /** largest resident set size sampled before fit, after fit and after scoring */
  peakRssMb: number;
}

/** Ranks one evaluation query: catalog indices, best first. */
export type RankQuery = (query: EvalQuery, k: number) => readonly number[];

export interface RankingMetrics {
  overall: SegmentMetrics;
  returning: SegmentMetrics;
  newcomer: SegmentMetrics;
  /** standard error of the mean NDCG over the queries */
  ndcgStdErr: number;
  coverage: number;
  scoreSeconds: number;
}

/**
 * The one evaluator: ranks every query with `rank` and scores the top k against the query's
 * targets. The offline report (`npm run eval`) and the model registry's holdout both come from it.
 */
export function measureRanking(
  queries: readonly EvalQuery[],
  rank: RankQuery,
  { k, catalogSize }: { k: number; catalogSize: number },
): RankingMetrics {
  const started = performance.now();
  const lists = queries.map((q) => [...rank(q, k)]);
  const scoreSeconds = (performance.now() - started) / 1000;
  const values = queries.map((q, i) => ndcg(lists[i]!, new Set(q.targets), k));
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, n);
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  const segment = (keep: (q: EvalQuery) => boolean) => aggregate(queries, lists, k, keep);
  return {
    overall: segment(() => true),
    returning: segment((q) => q.returning),
    newcomer: segment((q) => !q.returning),
    ndcgStdErr: n > 0 ? Math.sqrt(variance / n) : 0,
    coverage: catalogCoverage(lists, catalogSize),
    scoreSeconds,
  };
}

/**
 * Fits the model on `train` and measures it on the queries; `rankWith` ranks them another way than
 * the model's full-catalog scores (the engine's serving path, for the model of record).
 */
export async function evaluateModel(
  model: Recommender,
  train: Dataset,
  queries: EvalQuery[],
  k = 10,
  rankWith?: () => Promise<RankQuery>,
): Promise<ModelReport> {
  let peakRss = process.memoryUsage().rss;
  const fitStart = performance.now();
  await model.fit(train);
  const fitSeconds = (performance.now() - fitStart) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const buffer = new Float32Array(numProducts(train));
  const historyOf = customerHistories(train);
  const rank: RankQuery = rankWith
    ? await rankWith()
    : (q, size) => recommendTop(model, { cart: q.cart, history: historyOf(q.customer) }, size, buffer);
  const metrics = measureRanking(queries, rank, { k, catalogSize: numProducts(train) });
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  return {
    model: model.name,
    k,
    ...metrics,
    fitSeconds,
    peakRssMb: peakRss / 2 ** 20,
  };
}

function aggregate(
  queries: readonly EvalQuery[],
  lists: number[][],
  k: number,
  keep: (q: EvalQuery) => boolean,
): SegmentMetrics {
  const sum = { queries: 0, hitRate: 0, recall: 0, ndcg: 0 };
  queries.forEach((q, i) => {
    if (!keep(q)) return;
    const targets = new Set(q.targets);
    const list = lists[i]!;
    sum.queries++;
    sum.hitRate += hitRate(list, targets, k);
    sum.recall += recall(list, targets, k);
    sum.ndcg += ndcg(list, targets, k);
  });
  const n = Math.max(1, sum.queries);
  return { queries: sum.queries, hitRate: sum.hitRate / n, recall: sum.recall / n, ndcg: sum.ndcg / n };
}

/** Side-by-side table of model reports. */
export function formatReportTable(reports: ModelReport[]): string {
  const k = reports[0]?.k ?? 10;
  const header = [
    "model",
    `HR@${k}`,
    `Recall@${k}`,
    `NDCG@${k}`,
    "NDCG ret",
    "NDCG new",
    "coverage",
    "fit s",
    "score s",
    "peak RSS MB",
  ];
  const rows = reports.map((r) => [
    r.model,
    r.overall.hitRate.toFixed(4),
    r.overall.recall.toFixed(4),
    r.overall.ndcg.toFixed(4),
    r.returning.queries ? r.returning.ndcg.toFixed(4) : "-",
    r.newcomer.queries ? r.newcomer.ndcg.toFixed(4) : "-",
    r.coverage.toFixed(4),
    r.fitSeconds.toFixed(1),
    r.scoreSeconds.toFixed(1),
    r.peakRssMb.toFixed(0),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
