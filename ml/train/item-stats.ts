import { type Dataset, numOrders, numProducts, orderProducts } from "../data/dataset";
import { normalizeMaxAbs, orderWeights } from "./decay";
import { PopularityRecommender } from "./popularity";
import { float32s, type ModelArrays } from "./recommender";

/** Per-product facts the ranker weighs signals by; none of them depends on the shopper. */
export class ItemStats {
  /** share of the product's customers who bought it in two or more orders */
  repeatRate = new Float32Array(0);
  /** log(1 + orders holding the product) */
  logOrders = new Float32Array(0);
  /** popularity with a two-week half-life, max 1: what is selling right now */
  recent = new Float32Array(0);
  /** popularity in customers' first orders with a two-week half-life, max 1: what newcomers buy now */
  firstRecent = new Float32Array(0);
  /** share of the product's orders that were a customer's first order */
  firstShare = new Float32Array(0);

  async fit(data: Dataset): Promise<void> {
    const n = numProducts(data);
    const orders = new Float64Array(n);
    const buyers = new Float64Array(n);
    const repeaters = new Float64Array(n);
    const seen = new Map<number, Map<number, number>>();
    for (let o = 0; o < numOrders(data); o++) {
      const customer = data.orderCustomer[o]!;
      for (const item of orderProducts(data, o)) {
        orders[item]! += 1;
        if (customer < 0) continue;
        let mine = seen.get(customer);
        if (!mine) {
          mine = new Map();
          seen.set(customer, mine);
        }
        const times = (mine.get(item) ?? 0) + 1;
        mine.set(item, times);
        if (times === 1) buyers[item]! += 1;
        if (times === 2) repeaters[item]! += 1;
      }
    }
    // One pseudo-buyer who never came back keeps rare products from a repeat rate of 1.
    this.repeatRate = Float32Array.from(buyers, (b, i) => repeaters[i]! / (b + 1));
    this.logOrders = Float32Array.from(orders, (c) => Math.log1p(c));
    const recent = new PopularityRecommender({ halfLifeDays: 14 });
    await recent.fit(data);
    this.recent = recent.scores;
    const weights = orderWeights(data, 14);
    const byTime = Array.from({ length: numOrders(data) }, (_, o) => o).sort(
      (a, b) => data.orderTime[a]! - data.orderTime[b]! || a - b,
    );
    const seenCustomers = new Set<number>();
    const firstRecent = new Float32Array(n);
    const firstCount = new Float64Array(n);
    for (const o of byTime) {
      const customer = data.orderCustomer[o]!;
      if (customer >= 0) {
        if (seenCustomers.has(customer)) continue;
        seenCustomers.add(customer);
      }
      for (const item of orderProducts(data, o)) {
        firstRecent[item]! += weights[o]!;
        firstCount[item]! += 1;
      }
    }
    normalizeMaxAbs(firstRecent);
    this.firstRecent = firstRecent;
    this.firstShare = Float32Array.from(firstCount, (c, i) => c / (orders[i]! + 1));
  }

  state(): ModelArrays {
    return {
      repeatRate: this.repeatRate,
      logOrders: this.logOrders,
      recent: this.recent,
      firstRecent: this.firstRecent,
      firstShare: this.firstShare,
    };
  }

  restore(state: ModelArrays): void {
    this.repeatRate = float32s(state.repeatRate);
    this.logOrders = float32s(state.logOrders);
    this.recent = float32s(state.recent);
    this.firstRecent = float32s(state.firstRecent);
    this.firstShare = float32s(state.firstShare);
  }
}
