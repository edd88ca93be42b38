import type { OrderRow } from "../data/csv";
import {
  buildDataset,
  type Dataset,
  numOrders,
  numProducts,
  orderProducts,
  selectOrders,
} from "../data/dataset";
import { buildQueries } from "../data/split";
import { type Engine, rankThroughEngine } from "../serve/engine";
import { measureRanking } from "./evaluate";

/** How a live model holds up on the orders placed since the data it was trained on. */
export interface ModelHealth {
  /** orders placed after the model's training data */
  recentOrders: number;
  /** their checkouts the model could be measured on (two or more products it knows) */
  queries: number;
  /** NDCG@10 on those checkouts, measured as the holdout was at promotion; null without any */
  ndcg: number | null;
  ndcgStdErr: number | null;
  /** share of recent orders holding a product the model does not know; null without recent orders */
  unknownShare: number | null;
  /** population stability index of recent orders' category mix against the training window's; null
   * when no product has a category */
  categoryPsi: number | null;
}

/** the smallest share a category is given on either side, so that a new category has a finite PSI */
const PSI_FLOOR = 1e-4;

/**
 * Measures the live model (`engine`) on the checkouts of the orders in `rows` placed after
 * `trainedUpTo` (epoch ms), with the history and the queries built as the holdout's were, and how
 * far those orders drifted from the earlier ones: products the model never saw, and the category mix.
 */
export function measureModelHealth({
  engine,
  rows,
  trainedUpTo,
  seed = 7,
  maxQueries = 2000,
}: {
  engine: Engine;
  rows: readonly OrderRow[];
  trainedUpTo: number;
  seed?: number;
  maxQueries?: number;
}): ModelHealth {
  const data = buildDataset(rows);
  const before: number[] = [];
  const after: number[] = [];
  for (let o = 0; o < numOrders(data); o++) (data.orderTime[o]! > trainedUpTo ? after : before).push(o);
  const train = selectOrders(data, before);
  const recent = selectOrders(data, after);
  const known = new Set(engine.productIds);
  let unknown = 0;
  for (let o = 0; o < numOrders(recent); o++) {
    const products = orderProducts(recent, o);
    if (products.some((p) => !known.has(recent.catalog.productIds[p]!))) unknown++;
  }
  const queries = buildQueries(train, recent, { seed, maxQueries });
  const measured =
    queries.length > 0
      ? measureRanking(queries, rankThroughEngine(engine, train), { k: 10, catalogSize: numProducts(train) })
      : null;
  return {
    recentOrders: after.length,
    queries: queries.length,
    ndcg: measured?.overall.ndcg ?? null,
    ndcgStdErr: measured?.ndcgStdErr ?? null,
    unknownShare: after.length > 0 ? unknown / after.length : null,
    categoryPsi: categoryShift(data, before, after),
  };
}

/** The PSI of the two sets of orders' category mixes; null without orders or without any category. */
function categoryShift(data: Dataset, before: readonly number[], after: readonly number[]): number | null {
  if (before.length === 0 || after.length === 0) return null;
  const [expected, actual] = [categoryMix(data, before), categoryMix(data, after)];
  const named = (mix: Map<string, number>) => [...mix.keys()].some((category) => category !== "");
  if (!named(expected) && !named(actual)) return null;
  return populationStability(expected, actual);
}

/** Each category's share of the order lines of `orders` ("" for products without one). */
function categoryMix(data: Dataset, orders: readonly number[]): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const o of orders) {
    for (const p of orderProducts(data, o)) {
      const category = data.catalog.productCategories[p] ?? "";
      counts.set(category, (counts.get(category) ?? 0) + 1);
      total++;
    }
  }
  for (const [category, count] of counts) counts.set(category, count / Math.max(1, total));
  return counts;
}

/**
 * The population stability index of `actual` against `expected` (shares by category): the sum of
 * (a - e) ln(a / e). By the usual reading, under 0.1 is stable, 0.1 to 0.25 a moderate shift, over
 * 0.25 a major one.
 */
export function populationStability(
  expected: ReadonlyMap<string, number>,
  actual: ReadonlyMap<string, number>,
) {
  let psi = 0;
  for (const category of new Set([...expected.keys(), ...actual.keys()])) {
    const e = Math.max(PSI_FLOOR, expected.get(category) ?? 0);
    const a = Math.max(PSI_FLOOR, actual.get(category) ?? 0);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}
