import { hashToUnit } from "~ml";
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

/** The share of a discounting arm's units offered no discount, so the report can measure what discounts add. */
export const NO_DISCOUNT_SHARE = 0.1;

/**
 * Whether a unit of an arm with discounts on is in the arm's no-discount slice, served its offers at
 * full price: a stable NO_DISCOUNT_SHARE of units, from a hash of the experiment and the unit salted
 * apart from the arm assignment's, so the slice cuts every arm alike. An arm without discounts has no slice.
 */
export function inNoDiscountSlice({
  experimentId,
  variant,
  unitKey,
}: {
  experimentId: string;
  variant: Pick<ServingVariant, "discounts"> | null;
  unitKey: string;
}): boolean {
  if (!variant?.discounts) return false;
  return hashToUnit(`no-discount-slice\u0000${experimentId}`, unitKey) < NO_DISCOUNT_SHARE;
}
