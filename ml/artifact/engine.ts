import { z } from "zod";
import type { OrderRow } from "../data/csv";
import {
  buildDataset,
  type Dataset,
  lastOrderTime,
  numOrders,
  numProducts,
  withProducts,
} from "../data/dataset";
import { customerHistories, historyOf } from "../data/history";
import { buildQueries, temporalSplit } from "../data/split";
import { hitRate, ndcg, recall } from "../evaluate/metrics";
import { type HybridOptions, type HybridParams, HybridRecommender } from "../train/hybrid";
import { SIGNALS, type Signal } from "../train/hybrid-tuning";
import type { ModelArrays } from "../train/recommender";

/**
 * The engine as the app sees it: train from order rows, rank by product id, encode to bytes and back.
 * Nothing here knows a shop, a database or Shopify; the app maps its rows to these shapes.
 */

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
  /** the chosen hyperparameters and signal weights, for the model registry */
  params: Record<string, unknown>;
  window: { from: string | null; to: string | null; orders: number; products: number; customers: number };
  trainSeconds: number;
}

/** A past purchase of the shopper: product id and epoch ms. */
export interface HistoryEntry {
  productId: string;
  at: number;
}

export interface EngineQuery {
  cart: readonly string[];
  history?: readonly HistoryEntry[];
  k: number;
  /**
   * products that must not be offered (unavailable, unpublished, excluded by the merchant); the cart's
   * products never are. Read once per set and remembered: pass a new set when the list changes.
   */
  exclude?: ReadonlySet<string>;
  /** epoch ms of the checkout, for recency; default now */
  now?: number;
}

export interface EngineOffer {
  productId: string;
  score: number;
  reasonKind: "bought-with" | "bought-before" | "your-taste" | "similar" | "popular";
  /** the cart product a "bought-with" or "similar" reason names, so callers can word it in any language */
  reasonProductId: string | null;
  /** that product's title as the model knows it */
  reasonProductTitle: string | null;
}

export interface Engine {
  readonly productIds: readonly string[];
  recommend(query: EngineQuery): EngineOffer[];
  encode(): Uint8Array;
}

const FORMAT = "checkout-upsell-engine";
/**
 * Bumped whenever what the arrays mean changes (2: the ranker's features gained basket links,
 * newcomer and repeat-buying facts; 3: the word-affinity signal; 4: which way co-purchase leans and
 * the cart's shape), so an older artifact is refused, never misread.
 */
const VERSION = 4;
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
  if (queries.length >= MIN_HOLDOUT_QUERIES) {
    await model.fit(train);
    progress("measuring on the most recent orders", 0.6);
    holdout = measure(model, train, queries);
    progress("fitting on all orders", 0.7);
    await model.refit(data);
  } else {
    // Too few recent checkouts to measure: fit on everything and say so (queries: 0).
    await model.fit(data);
  }
  progress("done", 1);
  const dates = data.dated && numOrders(data) > 0;
  return {
    engine: new HybridEngine(model, data.catalog.productIds, data.catalog.productTitles),
    holdout,
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

function measure(model: HybridRecommender, train: Dataset, queries: ReturnType<typeof buildQueries>) {
  const historyOfCustomer = customerHistories(train);
  const values: number[] = [];
  let hits = 0;
  let recalled = 0;
  for (const q of queries) {
    const list = model.recommend({ cart: q.cart, history: historyOfCustomer(q.customer) }, 10);
    const ranked = list.map((o) => o.product);
    const targets = new Set(q.targets);
    values.push(ndcg(ranked, targets, 10));
    hits += hitRate(ranked, targets, 10);
    recalled += recall(ranked, targets, 10);
  }
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  return {
    queries: n,
    ndcg: mean,
    ndcgStdErr: Math.sqrt(variance / n),
    hitRate: hits / n,
    recall: recalled / n,
  };
}

class HybridEngine implements Engine {
  private readonly index: Map<string, number>;
  /** each exclusion set's catalog indices: a server passes the same set to every checkout */
  private readonly excluded = new WeakMap<ReadonlySet<string>, ReadonlySet<number>>();

  constructor(
    private readonly model: HybridRecommender,
    readonly productIds: readonly string[],
    private readonly titles: readonly string[],
  ) {
    this.index = new Map(productIds.map((id, i) => [id, i]));
  }

  recommend(query: EngineQuery): EngineOffer[] {
    const known = (id: string) => this.index.get(id);
    const cart = [...new Set(query.cart)].map(known).filter((i): i is number => i !== undefined);
    const purchases = (query.history ?? []).flatMap((entry) => {
      const product = known(entry.productId);
      return product === undefined ? [] : [{ product, at: entry.at }];
    });
    const history = historyOf(purchases, query.now ?? Date.now());
    const exclude = query.exclude ? this.indicesOf(query.exclude) : undefined;
    const k = Math.max(0, Math.min(Math.floor(query.k), this.productIds.length));
    return this.model.recommend({ cart, history }, k, exclude).map((offer) => ({
      productId: this.productIds[offer.product]!,
      score: offer.score,
      reasonKind: offer.reason.kind,
      reasonProductId: "product" in offer.reason ? (this.productIds[offer.reason.product] ?? null) : null,
      reasonProductTitle: "product" in offer.reason ? (this.titles[offer.reason.product] ?? null) : null,
    }));
  }

  private indicesOf(ids: ReadonlySet<string>): ReadonlySet<number> {
    let indices = this.excluded.get(ids);
    if (!indices) {
      indices = new Set([...ids].flatMap((id) => this.index.get(id) ?? []));
      this.excluded.set(ids, indices);
    }
    return indices;
  }

  /** Layout: a JSON header (format, parameters, catalog, array directory) then the arrays' bytes. */
  encode(): Uint8Array {
    const arrays = this.model.state();
    const directory: Array<{ name: string; type: "f32" | "i32"; offset: number; length: number }> = [];
    let offset = 0;
    for (const [name, array] of Object.entries(arrays)) {
      directory.push({
        name,
        type: array instanceof Float32Array ? "f32" : "i32",
        offset,
        length: array.length,
      });
      offset += array.length * 4;
    }
    const header = new TextEncoder().encode(
      JSON.stringify({
        format: FORMAT,
        version: VERSION,
        params: this.model.params,
        productIds: this.productIds,
        titles: this.titles,
        directory,
      }),
    );
    const start = 8 + Math.ceil(header.length / 4) * 4;
    const bytes = new Uint8Array(start + offset);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x43554149); // "CUAI"
    view.setUint32(4, header.length);
    bytes.set(header, 8);
    for (const entry of directory) {
      const array = arrays[entry.name]!;
      bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), start + entry.offset);
    }
    return bytes;
  }
}

/** An engine from `encode()`'s bytes; throws a clear error on anything else. */
const ArtifactFormatSchema = z.object({ format: z.string(), version: z.number() });
const WeightsSchema = z.object(
  Object.fromEntries(SIGNALS.map((signal) => [signal, z.number().finite()])) as Record<Signal, z.ZodNumber>,
);
/** An artifact's header, checked before anything is read by it: a damaged one fails here, by name. */
const ArtifactHeaderSchema = z
  .object({
    params: z.object({
      weights: z.object({ returning: WeightsSchema, newcomer: WeightsSchema }),
      alphas: z.object({ coPurchase: z.number().finite(), coCustomer: z.number().finite() }),
      factorizationDimensions: z.number().int().positive().nullable(),
    }) satisfies z.ZodType<HybridParams>,
    productIds: z.array(z.string()),
    titles: z.array(z.string()),
    directory: z.array(
      z.object({
        name: z.string().min(1),
        type: z.enum(["f32", "i32"]),
        offset: z.number().int().nonnegative(),
        length: z.number().int().nonnegative(),
      }),
    ),
  })
  .refine((header) => header.titles.length === header.productIds.length, {
    path: ["titles"],
    message: "must name every product",
  });

export function decodeEngine(bytes: Uint8Array): Engine {
  if (bytes.length < 8) throw new Error("not an engine artifact: too short");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 0x43554149) throw new Error("not an engine artifact: bad magic number");
  const headerLength = view.getUint32(4);
  if (8 + headerLength > bytes.length) throw new Error("not an engine artifact: truncated header");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new Error("not an engine artifact: its header is not JSON");
  }
  const format = ArtifactFormatSchema.safeParse(json);
  if (!format.success) throw new Error("not an engine artifact: its header names no format");
  if (format.data.format !== FORMAT || format.data.version !== VERSION) {
    throw new Error(`unsupported engine artifact ${format.data.format} v${format.data.version}`);
  }
  const parsed = ArtifactHeaderSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`not an engine artifact: header ${issue.path.join(".")} ${issue.message}`);
  }
  const header = parsed.data;
  const start = 8 + Math.ceil(headerLength / 4) * 4;
  const arrays: ModelArrays = {};
  for (const { name, type, offset, length } of header.directory) {
    const from = start + offset;
    if (from + length * 4 > bytes.length) throw new Error(`engine artifact truncated in ${name}`);
    // Copy: the source may not be 4-byte aligned, and a Node Buffer's slice() is a view, not a copy.
    const raw = new Uint8Array(bytes.subarray(from, from + length * 4));
    arrays[name] = type === "f32" ? new Float32Array(raw.buffer) : new Int32Array(raw.buffer);
  }
  const model = HybridRecommender.restore(header.params, arrays);
  return new HybridEngine(model, header.productIds, header.titles);
}
