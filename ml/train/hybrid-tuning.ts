import type { Dataset } from "../data/dataset";
import type { EvalQuery } from "../data/split";
import { evaluateModel } from "../evaluate/evaluate";
import { ndcg } from "../evaluate/metrics";
import { type CoPurchaseOptions, CoPurchaseRecommender } from "./co-purchase";
import { topK } from "./recommender";

export const SIGNALS = [
  "easeCart",
  "easeUser",
  "easeHistory",
  "coPurchase",
  "coCustomer",
  "coRecent",
  "content",
  "words",
  "factorization",
  "buyAgain",
  "popularity",
] as const;
export type Signal = (typeof SIGNALS)[number];
export type Weights = Record<Signal, number>;

export const DEFAULT_WEIGHTS: Weights = {
  easeCart: 1,
  easeUser: 0.5,
  easeHistory: 0.25,
  coPurchase: 1,
  coCustomer: 0.25,
  coRecent: 0,
  content: 0,
  words: 0,
  factorization: 0,
  buyAgain: 1,
  popularity: 0.1,
};
const ALPHA_GRID = [0.5, 0.65, 0.8];
const GRID = [0, 0.1, 0.25, 0.5, 1, 2, 4];
const CANDIDATES_PER_SIGNAL = 30;

/** One validation query reduced to its candidates: signal values (row-major) and relevant rows. */
export interface CandidateTable {
  /** catalog index of each candidate */
  products: number[];
  values: Float32Array;
  relevant: Set<number>;
  count: number;
}

/** The union of each signal's top products, never a cart product, in catalog order. */
export function candidatesOf(signals: Record<Signal, Float32Array>, cart: readonly number[]): number[] {
  const candidates = new Set<number>();
  for (const signal of SIGNALS) {
    for (const item of topK(signals[signal], CANDIDATES_PER_SIGNAL, cart)) candidates.add(item);
  }
  return [...candidates].sort((a, b) => a - b);
}

/**
 * A query's candidates with every signal's value for each. Weights only reorder these, so searching
 * over them is far cheaper than ranking the whole catalog.
 */
export function candidateTable(signals: Record<Signal, Float32Array>, q: EvalQuery): CandidateTable {
  const list = candidatesOf(signals, q.cart);
  const values = new Float32Array(list.length * SIGNALS.length);
  list.forEach((item, c) => {
    SIGNALS.forEach((signal, j) => {
      values[c * SIGNALS.length + j] = signals[signal][item]!;
    });
  });
  const targets = new Set(q.targets);
  const relevant = new Set<number>();
  list.forEach((item, c) => {
    if (targets.has(item)) relevant.add(c);
  });
  // Targets outside the candidates still count in the ideal DCG.
  for (let t = relevant.size; t < targets.size; t++) relevant.add(-1 - t);
  return { products: list, values, relevant, count: list.length };
}

/** Mean NDCG@10 of the weights over the tables. */
export function tableNdcg(tables: CandidateTable[], w: Weights): number {
  const n = SIGNALS.length;
  // A zero weight adds nothing to a sum of finite values: only the others are visited.
  const used = Int32Array.from(SIGNALS.flatMap((signal, j) => (w[signal] === 0 ? [] : [j])));
  const weights = Float64Array.from(used, (j) => w[SIGNALS[j]!]);
  let scores = new Float32Array(0);
  let total = 0;
  for (const { values, relevant, count } of tables) {
    if (scores.length < count) scores = new Float32Array(count);
    for (let c = 0; c < count; c++) {
      let s = 0;
      for (let u = 0; u < used.length; u++) s += weights[u]! * values[c * n + used[u]!]!;
      scores[c] = s;
    }
    total += ndcg(topK(scores.subarray(0, count), 10), relevant, 10);
  }
  return total / Math.max(1, tables.length);
}

/**
 * Coordinate search over the weight grid, maximizing mean NDCG@10 over the tables. A change must
 * beat the current weights by more than `minGain` (absolute NDCG), so that a signal is switched on
 * only when it helps by more than validation noise.
 */
export function searchWeights(
  tables: CandidateTable[],
  start: Weights,
  allowed: readonly Signal[] = SIGNALS,
  minGain = 0.001,
): Weights {
  let best = { ...start };
  let bestScore = tableNdcg(tables, best);
  for (let pass = 0; pass < 2; pass++) {
    for (const signal of allowed) {
      if (signal === allowed[0]) continue; // the scale anchor
      for (const value of GRID) {
        const trial = { ...best, [signal]: value };
        const s = tableNdcg(tables, trial);
        if (s > bestScore + minGain) [best, bestScore] = [trial, s];
      }
    }
  }
  return best;
}

/** The co-purchase exponent with the best validation NDCG (an explicit option wins). */
export async function chooseAlpha(
  options: CoPurchaseOptions | undefined,
  train: Dataset,
  queries: EvalQuery[],
): Promise<number> {
  if (options?.alpha !== undefined) return options.alpha;
  let best = { alpha: 0.5, ndcg: -1 };
  for (const alpha of ALPHA_GRID) {
    const report = await evaluateModel(new CoPurchaseRecommender({ ...options, alpha }), train, queries);
    if (report.overall.ndcg > best.ndcg) best = { alpha, ndcg: report.overall.ndcg };
  }
  return best.alpha;
}
