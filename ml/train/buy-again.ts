import type { Dataset } from "../data/dataset";
import type { History } from "../data/history";
import { TIE_BREAK } from "./decay";
import { PopularityRecommender } from "./popularity";
import type { Query, Recommender } from "./recommender";
import type { Touched } from "./support";

/** The shopper's own purchases: how often, recent ones weighted more. Guests fall back to popularity. */
export class BuyAgainRecommender implements Recommender {
  readonly name = "buy-again";
  private readonly popularity = new PopularityRecommender();

  async fit(train: Dataset): Promise<void> {
    await this.popularity.fit(train);
  }

  score(query: Query, out: Float32Array): void {
    scorePersonal(query.history, out);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }
}

/**
 * Only the personal signal: each product's decayed purchase count, zero elsewhere; `touched` gets
 * the products scored.
 */
export function scorePersonal(history: History, out: Float32Array, touched?: Touched): void {
  if (touched) touched.clear(out);
  else out.fill(0);
  const { items, weights } = history;
  for (let i = 0; i < items.length; i++) {
    if (items[i]! >= out.length) continue;
    out[items[i]!] = weights[i]!;
    touched?.add(items[i]!);
  }
}
