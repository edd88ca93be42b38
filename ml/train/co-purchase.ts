import { type Dataset, numProducts, orderProducts, productOrderCounts } from "../data/dataset";
import { orderWeights, TIE_BREAK } from "./decay";
import { NeighbourListBuilder, NeighbourListModel } from "./neighbours";
import { PopularityRecommender } from "./popularity";
import type { Query, Recommender } from "./recommender";

const DEFAULT_NEIGHBOURS = 40;

export interface CoPurchaseOptions {
  /**
   * neighbours kept per product, default DEFAULT_NEIGHBOURS: a checkout ranks the top of the lists,
   * and a shop of 10,000 products kept 100 each in three co-purchase signals, a third of its 59 MB model
   */
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
export class CoPurchaseRecommender extends NeighbourListModel implements Recommender {
  readonly name = "co-purchase";
  private readonly popularity = new PopularityRecommender();

  constructor(private readonly options: CoPurchaseOptions = {}) {
    super();
  }

  async fit(train: Dataset): Promise<void> {
    await this.popularity.fit(train);
    const n = numProducts(train);
    const keep = this.options.neighbours ?? DEFAULT_NEIGHBOURS;
    const alpha = this.alpha;
    const orderCounts = productOrderCounts(train);
    const ordersOf = productOrders(train, orderCounts);
    const orderWeight = orderWeights(train, this.options.halfLifeDays ?? 0);
    const counts = new Float64Array(n);
    for (let o = 0; o < orderWeight.length; o++) {
      for (const item of orderProducts(train, o)) counts[item]! += orderWeight[o]!;
    }
    const partner = Float64Array.from(counts, (c) => c ** (1 - alpha));
    const co = new Float64Array(n);
    const touched: number[] = [];
    const builder = new NeighbourListBuilder(n, keep);
    for (let i = 0; i < n; i++) {
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
      const similarities = new Float32Array(touched.length);
      for (let t = 0; t < touched.length; t++)
        similarities[t] = co[touched[t]!]! / (ni * partner[touched[t]!]!);
      builder.add(i, touched, similarities);
      for (const j of touched) co[j] = 0;
      touched.length = 0;
    }
    this.lists = builder.build();
  }

  protected get listLength(): number {
    return this.options.neighbours ?? DEFAULT_NEIGHBOURS;
  }

  /** The exponent of sim(i, j) = c_ij / (n_i^alpha n_j^(1 - alpha)). */
  private get alpha(): number {
    return this.options.alpha ?? 0.5;
  }

  /**
   * Calls `visit` with each neighbour j of `item` and the number of orders holding both, c_ij,
   * recovered from sim(i, j) = c_ij / (n_i^alpha n_j^(1 - alpha)) and `orders` (n, the products'
   * order counts; exact when orders are not decayed).
   */
  forEachCount(
    item: number,
    orders: (product: number) => number,
    visit: (neighbour: number, count: number) => void,
  ): void {
    const alpha = this.alpha;
    const left = orders(item) ** alpha;
    this.lists.forEach(item, (j, similarity) => {
      visit(j, similarity * left * orders(j) ** (1 - alpha));
    });
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
