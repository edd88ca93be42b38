import { type Dataset, orderProducts } from "../dataset";
import type { Query, Recommender } from "../recommender";
import { orderWeights, TIE_BREAK } from "./decay";
import { PopularityRecommender } from "./popularity";

/** The customer's own purchases: how often, recent ones weighted more. Guests fall back to popularity. */
export class BuyAgainRecommender implements Recommender {
  readonly name = "buy-again";
  private start = new Int32Array(1);
  private items = new Int32Array(0);
  private weights = new Float32Array(0);
  private readonly popularity = new PopularityRecommender();

  constructor(private readonly options: { halfLifeDays?: number } = {}) {}

  async fit(train: Dataset): Promise<void> {
    await this.popularity.fit(train);
    const weights = orderWeights(train, this.options.halfLifeDays ?? 120);
    const perCustomer = new Map<number, Map<number, number>>();
    for (let o = 0; o < weights.length; o++) {
      const customer = train.orderCustomer[o]!;
      if (customer < 0) continue;
      let history = perCustomer.get(customer);
      if (!history) {
        history = new Map();
        perCustomer.set(customer, history);
      }
      for (const item of orderProducts(train, o)) history.set(item, (history.get(item) ?? 0) + weights[o]!);
    }
    const customers = train.catalog.customerIds.length;
    this.start = new Int32Array(customers + 1);
    let total = 0;
    for (let c = 0; c < customers; c++) {
      this.start[c] = total;
      total += perCustomer.get(c)?.size ?? 0;
    }
    this.start[customers] = total;
    this.items = new Int32Array(total);
    this.weights = new Float32Array(total);
    for (const [c, history] of perCustomer) {
      let cursor = this.start[c]!;
      for (const [item, weight] of history) {
        this.items[cursor] = item;
        this.weights[cursor++] = weight;
      }
    }
  }

  /** The customer's decayed purchase counts as parallel arrays (empty for guests and new customers). */
  history(customer: number): { items: Int32Array; weights: Float32Array } {
    if (customer < 0 || customer + 1 >= this.start.length) {
      return { items: new Int32Array(0), weights: new Float32Array(0) };
    }
    const from = this.start[customer]!;
    const to = this.start[customer + 1]!;
    return { items: this.items.subarray(from, to), weights: this.weights.subarray(from, to) };
  }

  /** Only the personal signal, zero elsewhere. */
  scorePersonal(customer: number, out: Float32Array): void {
    out.fill(0);
    const { items, weights } = this.history(customer);
    for (let i = 0; i < items.length; i++) out[items[i]!] = weights[i]!;
  }

  score(query: Query, out: Float32Array): void {
    this.scorePersonal(query.customer, out);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }
}
