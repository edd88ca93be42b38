import { type Dataset, numProducts, orderProducts } from "../data/dataset";
import { normalizeMaxAbs, orderWeights } from "./decay";
import { float32s, type ModelArrays, type Query, type Recommender } from "./recommender";

/** Orders containing each product, recent orders weighted more. The fallback for everything else. */
export class PopularityRecommender implements Recommender {
  readonly name = "popularity";
  /** normalized to max 1 */
  scores = new Float32Array(0);

  constructor(private readonly options: { halfLifeDays?: number } = {}) {}

  async fit(train: Dataset): Promise<void> {
    const weights = orderWeights(train, this.options.halfLifeDays ?? 60);
    const scores = new Float32Array(numProducts(train));
    for (let o = 0; o < weights.length; o++) {
      for (const item of orderProducts(train, o)) scores[item]! += weights[o]!;
    }
    normalizeMaxAbs(scores);
    this.scores = scores;
  }

  state(): ModelArrays {
    return { scores: this.scores };
  }

  restore(state: ModelArrays): void {
    this.scores = float32s(state.scores);
  }

  score(_query: Query, out: Float32Array): void {
    out.set(this.scores);
  }
}
