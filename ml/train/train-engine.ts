import { servedEngine } from "../artifact/artifact";
import type { OrderRow } from "../data/csv";
import {
  buildDataset,
  type Dataset,
  lastOrderTime,
  numOrders,
  numProducts,
  withProducts,
} from "../data/dataset";
import { buildQueries, type EvalQuery, temporalSplit } from "../data/split";
import { measureRanking } from "../evaluate/evaluate";
import type { Engine } from "../serve/engine";
import { rankThroughEngine } from "../serve/engine";
import { type HybridOptions, HybridRecommender } from "./hybrid";

/** A product's content, for cold start: products without orders still get offers through it. */
export interface CatalogProduct {
  id: string;
  title: string;
  type?: string | null;
  vendor?: string | null;
  tags?: readonly string[];
}

export interface TrainingInput {
  /** One row per purchased product per order; the caller leaves out cancelled and refunded quantities. */
  rows: OrderRow[];
  /** Catalog content, including products nobody bought yet. */
  products?: CatalogProduct[];
  seed?: number;
  /** The most recent fraction of orders held out to measure the model, default 0.1. */
  holdoutFraction?: number;
  /** the hybrid's options (tests use small ones) */
  model?: Omit<HybridOptions, "seed" | "onStage">;
  /** reports each training stage and a fraction done */
  onProgress?: (stage: string, fraction: number) => void;
  /**
   * The model serving now and the time of its last training order (epoch ms). Both models are
   * measured on the holdout checkouts of orders placed after that time, which the champion never
   * saw: a comparison with its own holdout figure, taken on older orders, would hold a shop whose
   * tastes moved to a standard no model can meet on its newest orders.
   */
  champion?: { engine: Engine; trainedUpTo: number };
}

/** Both models on the holdout checkouts of the orders placed after the champion's data. */
export interface Challenge {
  candidate: HoldoutMetrics;
  champion: HoldoutMetrics;
}

export interface HoldoutMetrics {
  queries: number;
  ndcg: number;
  /** standard error of the mean NDCG over the holdout queries */
  ndcgStdErr: number;
  hitRate: number;
  recall: number;
}

export interface TrainResult {
  engine: Engine;
  /** measured on the most recent orders by a model fitted on the orders before them */
  holdout: HoldoutMetrics;
  /** null without a champion, or with too few holdout checkouts after its data */
  challenge: Challenge | null;
  /** the chosen hyperparameters and signal weights, for the model registry */
  params: Record<string, unknown>;
  window: { from: string | null; to: string | null; orders: number; products: number; customers: number };
  trainSeconds: number;
}

/** holdout queries below this measure nothing worth comparing */
const MIN_HOLDOUT_QUERIES = 20;

/**
 * Trains the hybrid on all but the most recent orders, measures it on those, then refits its parts on
 * every order with the chosen weights kept. The measurement is what the model registry compares.
 */
export async function trainEngine(input: TrainingInput): Promise<TrainResult> {
  const started = performance.now();
  const progress = input.onProgress ?? (() => {});
  const seed = input.seed ?? 7;
  progress("building the dataset", 0);
  let data = buildDataset(input.rows);
  if (input.products?.length) data = withProducts(data, input.products.map(contentOf));
  const { train, test } = temporalSplit(data, input.holdoutFraction ?? 0.1);
  const queries = buildQueries(train, test, { seed, maxQueries: 3000 });
  const model = new HybridRecommender({
    ...input.model,
    seed,
    onStage: (stage) => progress(stage, 0.1),
  });
  let holdout: HoldoutMetrics = { queries: 0, ndcg: 0, ndcgStdErr: 0, hitRate: 0, recall: 0 };
  let challenge: Challenge | null = null;
  if (queries.length >= MIN_HOLDOUT_QUERIES) {
    await model.fit(train);
    progress("measuring on the most recent orders", 0.6);
    const served = await servedOver(model, train);
    holdout = measureEngine(served, train, queries);
    if (input.champion) {
      const { engine, trainedUpTo } = input.champion;
      const orderTime = new Map(test.orderIds.map((id, o) => [id, test.orderTime[o]!]));
      const unseen = queries.filter((q) => (orderTime.get(q.orderId) ?? 0) > trainedUpTo);
      if (unseen.length >= MIN_HOLDOUT_QUERIES) {
        challenge = {
          candidate: measureEngine(served, train, unseen),
          champion: measureEngine(engine, train, unseen),
        };
      }
    }
    progress("fitting on all orders", 0.7);
    await model.refit(data);
  } else {
    // Too few recent checkouts to measure: fit on everything and say so (queries: 0).
    await model.fit(data);
  }
  progress("done", 1);
  const dates = data.dated && numOrders(data) > 0;
  return {
    engine: await servedEngine({
      params: model.params,
      arrays: model.state(),
      productIds: data.catalog.productIds,
      titles: data.catalog.productTitles,
    }),
    holdout,
    challenge,
    params: { ...model.params, seed, holdoutFraction: input.holdoutFraction ?? 0.1 },
    window: {
      from: dates ? new Date(data.orderTime.reduce((a, b) => Math.min(a, b))).toISOString() : null,
      to: dates ? new Date(lastOrderTime(data)).toISOString() : null,
      orders: numOrders(data),
      products: numProducts(data),
      customers: data.catalog.customerIds.length,
    },
    trainSeconds: (performance.now() - started) / 1000,
  };
}

function contentOf(product: CatalogProduct) {
  return {
    id: product.id,
    title: product.title,
    category: product.type ?? "",
    keywords: [product.vendor ?? "", ...(product.tags ?? [])].join(" "),
  };
}

/** The engine a fitted model serves, encoded and decoded as a shop gets it. */
function servedOver(model: HybridRecommender, train: Dataset): Promise<Engine> {
  return servedEngine({
    params: model.params,
    arrays: model.state(),
    productIds: train.catalog.productIds,
    titles: train.catalog.productTitles,
  });
}

/** The holdout through an engine's own recommend(), as checkouts are served (the one evaluator). */
function measureEngine(engine: Engine, train: Dataset, queries: EvalQuery[]): HoldoutMetrics {
  const metrics = measureRanking(queries, rankThroughEngine(engine, train), {
    k: 10,
    catalogSize: numProducts(train),
  });
  return {
    queries: metrics.overall.queries,
    ndcg: metrics.overall.ndcg,
    ndcgStdErr: metrics.ndcgStdErr,
    hitRate: metrics.overall.hitRate,
    recall: metrics.overall.recall,
  };
}
