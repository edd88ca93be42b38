import { type Dataset, groupByCustomer } from "../dataset";
import type { Query, Recommender } from "../recommender";
import { topK } from "../recommender";
import { buildQueries, type EvalQuery, temporalSplit } from "../split";
import { BuyAgainRecommender } from "./buy-again";
import { type CoPurchaseOptions, CoPurchaseRecommender } from "./co-purchase";
import { normalizeMaxAbs, TIE_BREAK } from "./decay";
import { type EaseOptions, EaseRecommender } from "./ease";
import {
  candidateTable,
  chooseAlpha,
  DEFAULT_WEIGHTS,
  SIGNALS,
  type Signal,
  searchWeights,
  type Weights,
} from "./hybrid-tuning";
import { PopularityRecommender } from "./popularity";
import type { Offer, Reason } from "./reasons";

export interface HybridOptions {
  seed?: number;
  ease?: EaseOptions;
  coPurchase?: CoPurchaseOptions;
  /** validation queries used to choose the weights, default 2000 */
  validationQueries?: number;
}

/** the "what sells together lately" signal: a month's half-life catches seasons and new ranges */
const RECENT_HALF_LIFE_DAYS = 30;

/**
 * Weighted sum of max-normalized signals: EASE on the cart, EASE on the customer's history,
 * co-purchase within orders, across a customer's orders and over recent orders, buy-again and
 * popularity. Co-purchase exponents and the weights are chosen on a validation split carved from the
 * end of the training data by time, weights per segment: returning customers (with a history) and
 * newcomers (every validation checkout seen without its history). Unknown customers and products
 * simply contribute no signal, down to popularity alone.
 */
export class HybridRecommender implements Recommender {
  readonly name = "hybrid";
  weights: { returning: Weights; newcomer: Weights } = {
    returning: { ...DEFAULT_WEIGHTS },
    newcomer: { ...DEFAULT_WEIGHTS },
  };
  /** co-purchase popularity exponents, chosen on the validation split */
  alphas = { coPurchase: 0.5, coCustomer: 0.5 };
  private parts: ReturnType<HybridRecommender["createParts"]>;
  private buffers: Record<Signal, Float32Array> = emptyBuffers(0);

  constructor(private readonly options: HybridOptions = {}) {
    this.parts = this.createParts();
  }

  async fit(train: Dataset): Promise<void> {
    const { train: fitPart, test: validation } = temporalSplit(train, 0.2);
    const queries = buildQueries(fitPart, validation, {
      seed: this.options.seed ?? 7,
      maxQueries: this.options.validationQueries ?? 2000,
    });
    if (queries.length >= 20) {
      const grouped = groupByCustomer(fitPart);
      this.alphas = {
        coPurchase: await chooseAlpha(this.options.coPurchase, fitPart, queries),
        coCustomer: await chooseAlpha(this.options.coPurchase, grouped, queries),
      };
      this.parts = this.createParts();
      await this.fitParts(fitPart);
      const returning = queries.filter((q) => q.returning);
      // Every validation checkout, seen without its history, is a sample of a newcomer's cart.
      const asNewcomers = queries.map((q) => ({ ...q, customer: -1, returning: false }));
      const tablesOf = (list: EvalQuery[]) =>
        list.map((q) => {
          this.computeSignals({ customer: q.customer, cart: q.cart });
          return candidateTable(this.buffers, q);
        });
      this.weights = {
        returning: searchWeights(tablesOf(returning.length >= 20 ? returning : queries), DEFAULT_WEIGHTS),
        newcomer: searchWeights(tablesOf(asNewcomers), DEFAULT_WEIGHTS),
      };
    }
    this.parts = this.createParts();
    await this.fitParts(train);
  }

  score(query: Query, out: Float32Array): void {
    const weights = this.computeSignals(query);
    out.fill(0);
    for (const signal of SIGNALS) {
      const w = weights[signal];
      if (w === 0) continue;
      const values = this.buffers[signal];
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * values[i]!;
    }
    const pop = this.buffers.popularity;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }

  /** The top k products with a reason from each one's strongest signal. */
  recommend(query: Query, k: number): Offer[] {
    const scores = new Float32Array(this.buffers.popularity.length);
    this.score(query, scores);
    const weights = this.segmentWeights(query);
    return topK(scores, k, query.cart).map((product) => ({
      product,
      score: scores[product]!,
      reason: this.reason(query, product, weights),
    }));
  }

  private reason(query: Query, product: number, weights: Weights): Reason {
    let best: Signal = "popularity";
    let bestValue = 0;
    for (const signal of SIGNALS) {
      const value = weights[signal] * this.buffers[signal][product]!;
      if (value > bestValue) {
        best = signal;
        bestValue = value;
      }
    }
    if (best === "buyAgain") return { kind: "bought-before" };
    if (best === "easeHistory") return { kind: "your-taste" };
    if (best === "easeCart" || best === "coPurchase" || best === "coCustomer" || best === "coRecent") {
      const link = this.parts.coPurchase.strongestLink(query.cart, product);
      if (link.product >= 0) return { kind: "bought-with", product: link.product };
      let anchor = -1;
      let strongest = 0;
      for (const c of query.cart) {
        const w = this.parts.ease.weight(c, product);
        if (w > strongest) [anchor, strongest] = [c, w];
      }
      if (anchor >= 0) return { kind: "bought-with", product: anchor };
    }
    return { kind: "popular" };
  }

  private createParts() {
    return {
      ease: new EaseRecommender(this.options.ease),
      coPurchase: new CoPurchaseRecommender({ alpha: this.alphas.coPurchase, ...this.options.coPurchase }),
      coCustomer: new CoPurchaseRecommender({ alpha: this.alphas.coCustomer, ...this.options.coPurchase }),
      coRecent: new CoPurchaseRecommender({
        alpha: this.alphas.coPurchase,
        halfLifeDays: RECENT_HALF_LIFE_DAYS,
        ...this.options.coPurchase,
      }),
      buyAgain: new BuyAgainRecommender(),
      popularity: new PopularityRecommender(),
    };
  }

  private async fitParts(data: Dataset): Promise<void> {
    await this.parts.popularity.fit(data);
    await this.parts.coPurchase.fit(data);
    await this.parts.coCustomer.fit(groupByCustomer(data));
    await this.parts.coRecent.fit(data);
    await this.parts.buyAgain.fit(data);
    await this.parts.ease.fit(data);
    this.buffers = emptyBuffers(this.parts.popularity.scores.length);
  }

  private segmentWeights(query: Query): Weights {
    const returning = this.parts.buyAgain.history(query.customer).items.length > 0;
    return returning ? this.weights.returning : this.weights.newcomer;
  }

  /** Fills the per-signal buffers (each scaled to max |value| 1) and returns the segment's weights. */
  private computeSignals(query: Query): Weights {
    const { ease, coPurchase, coCustomer, coRecent, buyAgain, popularity } = this.parts;
    const history = buyAgain.history(query.customer);
    ease.scoreItems(query.cart, null, this.buffers.easeCart);
    ease.scoreItems(history.items, history.weights, this.buffers.easeHistory);
    coPurchase.scoreCart(query.cart, this.buffers.coPurchase);
    coCustomer.scoreCart(query.cart, this.buffers.coCustomer);
    coRecent.scoreCart(query.cart, this.buffers.coRecent);
    buyAgain.scorePersonal(query.customer, this.buffers.buyAgain);
    this.buffers.popularity.set(popularity.scores);
    for (const signal of SIGNALS) normalizeMaxAbs(this.buffers[signal]);
    return history.items.length > 0 ? this.weights.returning : this.weights.newcomer;
  }
}

function emptyBuffers(n: number): Record<Signal, Float32Array> {
  return {
    easeCart: new Float32Array(n),
    easeHistory: new Float32Array(n),
    coPurchase: new Float32Array(n),
    coCustomer: new Float32Array(n),
    coRecent: new Float32Array(n),
    buyAgain: new Float32Array(n),
    popularity: new Float32Array(n),
  };
}
