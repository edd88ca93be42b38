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

export interface ModelReport {
  model: string;
  k: number;
  overall: SegmentMetrics;
  returning: SegmentMetrics;
  newcomer: SegmentMetrics;
  coverage: number;
  fitSeconds: number;
  scoreSeconds: number;
  /** largest resident set size sampled before fit, after fit and after scoring */
  peakRssMb: number;
}

/** Fits the model on `train`, ranks the full catalog for every query and scores the top k. */
export async function evaluateModel(
  model: Recommender,
  train: Dataset,
  queries: EvalQuery[],
  k = 10,
): Promise<ModelReport> {
  let peakRss = process.memoryUsage().rss;
  const fitStart = performance.now();
  await model.fit(train);
  const fitSeconds = (performance.now() - fitStart) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const scoreStart = performance.now();
  const buffer = new Float32Array(numProducts(train));
  const historyOf = customerHistories(train);
  const lists = queries.map((q) =>
    recommendTop(model, { cart: q.cart, history: historyOf(q.customer) }, k, buffer),
  );
  const scoreSeconds = (performance.now() - scoreStart) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const segment = (keep: (q: EvalQuery) => boolean) => aggregate(queries, lists, k, keep);
  return {
    model: model.name,
    k,
    overall: segment(() => true),
    returning: segment((q) => q.returning),
    newcomer: segment((q) => !q.returning),
    coverage: catalogCoverage(lists, numProducts(train)),
    fitSeconds,
    scoreSeconds,
    peakRssMb: peakRss / 2 ** 20,
  };
}

function aggregate(
  queries: EvalQuery[],
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
