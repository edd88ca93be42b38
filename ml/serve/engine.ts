import { encodeEngine } from "../artifact/artifact";
import { type Dataset, lastOrderTime, numOrders, orderProducts } from "../data/dataset";
import { historyOf } from "../data/history";
import type { EvalQuery } from "../data/split";
import type { RankQuery } from "../evaluate/evaluate";
import type { HybridRecommender } from "../train/hybrid";

/**
 * The engine as the app sees it: rank by product id, encode to bytes. Nothing here knows a shop, a
 * database or Shopify; the app maps its rows to these shapes.
 */

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

/** The engine over a fitted hybrid and the catalog it was fitted on. */
export function hybridEngine(
  model: HybridRecommender,
  productIds: readonly string[],
  titles: readonly string[],
): Engine {
  return new HybridEngine(model, productIds, titles);
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

  encode(): Uint8Array {
    return encodeEngine({
      params: this.model.params,
      arrays: this.model.state(),
      productIds: this.productIds,
      titles: this.titles,
    });
  }
}

/**
 * Ranks evaluation queries through the engine's recommend(), exactly as a checkout is ranked: the
 * cart and the shopper's purchases (from `train`, dated, as the app reads them from the shop's
 * orders) by product id, at the moment of the last training order.
 */
export function rankThroughEngine(engine: Engine, train: Dataset): RankQuery {
  const purchases = new Map<number, HistoryEntry[]>();
  const { productIds } = train.catalog;
  for (let o = 0; o < numOrders(train); o++) {
    const customer = train.orderCustomer[o]!;
    if (customer < 0) continue;
    const at = train.dated ? train.orderTime[o]! : Number.NaN;
    const list = purchases.get(customer) ?? [];
    purchases.set(customer, list);
    for (const product of orderProducts(train, o)) list.push({ productId: productIds[product]!, at });
  }
  const now = train.dated ? lastOrderTime(train) : Number.NaN;
  const index = new Map(productIds.map((id, i) => [id, i]));
  return (query: EvalQuery, k: number) =>
    engine
      .recommend({
        cart: query.cart.map((product) => productIds[product]!),
        history: purchases.get(query.customer) ?? [],
        k,
        now,
      })
      .map((offer) => index.get(offer.productId)!);
}
