/**
 * Which cart product and offer pairs shoppers ignore: shown beside the product so often without a
 * click or an add that chance explains it less than once in a thousand at the shop's own engagement
 * rate. A shop whose shoppers engage with 3% of offers needs 227 unanswered impressions of a pair;
 * one at 10%, 66. Never fewer than MIN_IGNORED_IMPRESSIONS.
 */

export const MIN_IGNORED_IMPRESSIONS = 100;
/** the chance that an offer as engaging as the shop's average goes unanswered that long */
export const IGNORED_FALSE_ALARM = 0.001;

export interface PairImpressions {
  cartProductId: string;
  offerProductId: string;
  impressions: number;
  /** impressions whose offer was clicked or added */
  engagements: number;
}

/** Unanswered impressions of a pair that make it ignored, at the shop's engagement rate; null: none can. */
export function ignoredThreshold(engagementRate: number): number | null {
  if (!(engagementRate > 0) || engagementRate >= 1) return null;
  const needed = Math.ceil(Math.log(IGNORED_FALSE_ALARM) / Math.log(1 - engagementRate));
  return Math.max(MIN_IGNORED_IMPRESSIONS, needed);
}

/** The pairs never engaged with over at least the threshold's impressions, most shown first. */
export function ignoredPairs(
  pairs: readonly PairImpressions[],
  { impressions, engagements }: { impressions: number; engagements: number },
): PairImpressions[] {
  const threshold = ignoredThreshold(impressions > 0 ? engagements / impressions : 0);
  if (threshold === null) return [];
  return pairs
    .filter((pair) => pair.engagements === 0 && pair.impressions >= threshold)
    .sort((a, b) => b.impressions - a.impressions);
}
