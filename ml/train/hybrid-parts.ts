import { type CoPurchaseOptions, CoPurchaseRecommender } from "./co-purchase";
import { ContentRecommender } from "./content";
import { type EaseOptions, EaseRecommender } from "./ease";
import type { Weights } from "./hybrid-tuning";
import { ItemStats } from "./item-stats";
import { type FactorizationOptions, FactorizationRecommender } from "./matrix-factorization";
import { PopularityRecommender } from "./popularity";
import { WordAffinityRecommender } from "./word-affinity";

/** What a fitted hybrid needs besides its parts' arrays: chosen weights and exponents. */
export interface HybridParams {
  weights: { returning: Weights; newcomer: Weights };
  alphas: { coPurchase: number; coCustomer: number };
  factorizationDimensions: number | null;
}

export interface PartOptions {
  seed?: number;
  ease?: EaseOptions;
  coPurchase?: CoPurchaseOptions;
  factorization?: FactorizationOptions | false;
  /** hears the factorization's epochs as training stages */
  onStage?: (stage: string) => void;
}

/** the "what sells together lately" signal: a month's half-life catches seasons and new ranges */
const RECENT_HALF_LIFE_DAYS = 30;

/** The hybrid's signals, each a model of its own, unfitted. */
export function createParts(options: PartOptions, params: HybridParams) {
  const factorization =
    params.factorizationDimensions === null
      ? null
      : new FactorizationRecommender({
          seed: options.seed ?? 7,
          ...(options.factorization || {}),
          dimensions: params.factorizationDimensions,
          onEpoch: (progress) => {
            if (options.factorization) options.factorization.onEpoch?.(progress);
            const { epoch, epochs, loss } = progress;
            options.onStage?.(`TF.js factorization epoch ${epoch}/${epochs}, loss ${loss.toFixed(3)}`);
          },
        });
  return {
    ease: new EaseRecommender(options.ease),
    easeUser: new EaseRecommender(options.ease),
    coPurchase: new CoPurchaseRecommender({ alpha: params.alphas.coPurchase, ...options.coPurchase }),
    coCustomer: new CoPurchaseRecommender({ alpha: params.alphas.coCustomer, ...options.coPurchase }),
    coRecent: new CoPurchaseRecommender({
      alpha: params.alphas.coPurchase,
      halfLifeDays: RECENT_HALF_LIFE_DAYS,
      ...options.coPurchase,
    }),
    content: new ContentRecommender(),
    words: new WordAffinityRecommender(),
    factorization,
    popularity: new PopularityRecommender(),
    items: new ItemStats(),
  };
}

export type Parts = ReturnType<typeof createParts>;
