import type { ExperimentSettings } from "./shop-settings";

/** How a variant serves its checkouts. */
export interface ServingVariant {
  key: string;
  /** its position in the experiment, carried in offer ids (0 to 9) */
  index: number;
  share: number;
  ranking: "model" | "popularity";
  discounts: boolean;
}

/**
 * A shop's experiment as served: its id names this configuration (holdout and variants), so
 * reports never mix the results of two configurations, and offer ids can carry it in 4 characters.
 */
export interface ExperimentPlan {
  id: string;
  holdoutPercent: number;
  variants: ServingVariant[];
}

/** The variant of a shop that has not set any: the model's ranking, with discounts when they are on. */
export const DEFAULT_VARIANT: Omit<ServingVariant, "index"> = {
  key: "default",
  share: 100,
  ranking: "model",
  discounts: true,
};

/** The serving plan of the shop's experiment settings; without variants, the default one. */
export function experimentPlan(settings: ExperimentSettings): ExperimentPlan {
  const positive = settings.variants.filter((variant) => variant.share > 0);
  const variants = (positive.length > 0 ? positive : [DEFAULT_VARIANT]).map((variant, index) => ({
    key: variant.key,
    index,
    share: variant.share,
    ranking: variant.ranking,
    discounts: variant.discounts,
  }));
  const holdoutPercent = settings.holdoutPercent;
  return { id: experimentId(holdoutPercent, variants), holdoutPercent, variants };
}

/** 4 characters [0-9a-z] from an FNV-1a hash of the configuration. */
function experimentId(holdoutPercent: number, variants: readonly ServingVariant[]): string {
  const text = JSON.stringify([
    holdoutPercent,
    variants.map(({ key, share, ranking, discounts }) => [key, share, ranking, discounts]),
  ]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % 36 ** 4).toString(36).padStart(4, "0");
}
