import { type Dataset, numProducts, orderProducts, productOrderCounts } from "../dataset";
import type { ModelArrays, Query, Recommender } from "../recommender";
import { topK } from "../recommender";
import { orderWeights, TIE_BREAK } from "./decay";
import { PopularityRecommender } from "./popularity";

export interface CoPurchaseOptions {
  /** neighbours kept per product, default 100 */
  neighbours?: number;
  /** sim(i, j) = c_ij / (n_i^alpha n_j^(1 - alpha)); 0.5 is cosine, default 0.5 */
  alpha?: number;
  /** recent orders count more: weight 2^(-age / halfLife); default 0 = no decay */
  halfLifeDays?: number;
}

/**
 * Item-to-item co-purchase over orders (Amazon 2003): the top neighbours of each product by cosine
 * similarity of their order sets, stored sparse, summed over the cart at serving time.
 */
export class CoPurchaseRecommender implements Recommender {
  readonly name = "co-purchase";
  private start = new Int32Array(1);
  private neighbours = new Int32Array(0);
  private similarity = new Float32Array(0);
  private readonly popularity = new PopularityRecommender();

  constructor(private readonly options: CoPurchaseOptions = {}) {}

  async fit(train: Dataset): Promise<void> {
    await this.popularity.fit(train);
    const n = numProducts(train);
    const keep = this.options.neighbours ?? 100;
    const alpha = this.options.alpha ?? 0.5;
    const orderCounts = productOrderCounts(train);
    const ordersOf = productOrders(train, orderCounts);
    const orderWeight = orderWeights(train, this.options.halfLifeDays ?? 0);
    const counts = new Float64Array(n);
    for (let o = 0; o < orderWeight.length; o++) {
      for (const item of orderProducts(train, o)) counts[item]! += orderWeight[o]!;
    }
    const co = new Float64Array(n);
    const touched: number[] = [];
    this.start = new Int32Array(n + 1);
    const allNeighbours: number[] = [];
    const allSims: number[] = [];
    const sims = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      this.start[i] = allNeighbours.length;
      for (let p = ordersOf.start[i]!; p < ordersOf.start[i + 1]!; p++) {
        const order = ordersOf.orders[p]!;
        const w = orderWeight[order]!;
        for (const j of orderProducts(train, order)) {
          if (j === i) continue;
          if (co[j] === 0) touched.push(j);
          co[j]! += w;
        }
      }
      if (touched.length === 0) continue;
      const ni = counts[i]! ** alpha;
      for (const j of touched) sims[j] = co[j]! / (ni * counts[j]! ** (1 - alpha));
      const best = topK(
        Float32Array.from(touched, (j) => sims[j]!),
        keep,
      );
      for (const b of best) {
        const j = touched[b]!;
        allNeighbours.push(j);
        allSims.push(sims[j]!);
      }
      for (const j of touched) co[j] = 0;
      touched.length = 0;
    }
    this.start[n] = allNeighbours.length;
    this.neighbours = Int32Array.from(allNeighbours);
    this.similarity = Float32Array.from(allSims);
  }

  state(): ModelArrays {
    return { start: this.start, neighbours: this.neighbours, similarity: this.similarity };
  }

  restore(state: ModelArrays): void {
    this.start = Int32Array.from(state.start!);
    this.neighbours = Int32Array.from(state.neighbours!);
    this.similarity = Float32Array.from(state.similarity!);
  }

  /** Sum of the cart products' neighbour similarities, zero elsewhere. */
  scoreCart(cart: readonly number[], out: Float32Array): void {
    out.fill(0);
    for (const item of cart) {
      if (item < 0 || item + 1 >= this.start.length) continue;
      for (let p = this.start[item]!; p < this.start[item + 1]!; p++) {
        out[this.neighbours[p]!]! += this.similarity[p]!;
      }
    }
  }

  /** Similarity of `item` to the cart product it is closest to, and that product (-1 when none). */
  strongestLink(cart: readonly number[], item: number): { product: number; similarity: number } {
    return strongestNeighbour(this.state(), cart, item);
  }

  score(query: Query, out: Float32Array): void {
    this.scoreCart(query.cart, out);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }
}

function productOrders(data: Dataset, counts: Float64Array): { start: Int32Array; orders: Int32Array } {
  const n = counts.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + counts[i]!;
  const cursor = start.slice(0, n);
  const orders = new Int32Array(start[n]!);
  for (let o = 0; o < data.orderIds.length; o++) {
    for (const item of orderProducts(data, o)) orders[cursor[item]!++] = o;
  }
  return { start, orders };
}

/** In sparse neighbour lists, the cart product whose list holds `item` with the highest similarity. */
export function strongestNeighbour(
  lists: ModelArrays,
  cart: readonly number[],
  item: number,
): { product: number; similarity: number } {
  const { start, neighbours, similarity } = lists as {
    start: Int32Array;
    neighbours: Int32Array;
    similarity: Float32Array;
  };
  let product = -1;
  let best = 0;
  for (const c of cart) {
    if (c < 0 || c + 1 >= start.length) continue;
    for (let p = start[c]!; p < start[c + 1]!; p++) {
      if (neighbours[p] === item && similarity[p]! > best) {
        product = c;
        best = similarity[p]!;
      }
    }
  }
  return { product, similarity: best };
}
