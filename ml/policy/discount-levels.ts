import type { DiscountSettings, LevelOutcome } from "./discount-policy";
import { isotonicNonDecreasing } from "./isotonic";
import { sampleBeta } from "./sampling";

/** The discount levels of one offer: what each earns, whether the caps allow it, and its take rate. */

export const DEFAULT_DISCOUNT_LEVELS: readonly number[] = [0, 5, 10, 15, 20, 25, 30];
/** Offers shown (all levels together) before the policy trusts its estimates over the default level. */
export const MIN_IMPRESSIONS = 100;
/** Weight, in impressions, of the prior every level shares: the offer's pooled take rate. */
export const PRIOR_STRENGTH = 10;

export type Blocked = "cap" | "floor" | "budget";

export interface Level {
  percent: number;
  margin: number;
  blocked: Blocked | null;
  impressions: number;
  takes: number;
}

const EPSILON = 1e-9;

export function finite(value: number, fallback: number): number {
  return Number.isFinite(value) ? value : fallback;
}

/** Why a level cannot be offered, or null: caps, margin floor and budget, checked with a little slack. */
export function blockOf(
  percent: number,
  price: number,
  cost: number,
  settings: DiscountSettings,
  budget: number,
) {
  if (percent === 0) return null;
  // Negated comparisons, so that a NaN anywhere blocks the level.
  if (!(percent <= Math.min(settings.maxPercent, 100) + EPSILON)) return "cap";
  const floor = (Math.max(settings.marginFloorPercent, 0) / 100) * price;
  if (!(price * (1 - percent / 100) - cost >= floor - EPSILON * price)) return "floor";
  if (!((price * percent) / 100 <= budget + EPSILON * price)) return "budget";
  return null;
}

/** The candidate levels and every level with history, merged and sorted, each with its data and caps. */
export function buildLevels(
  price: number,
  cost: number,
  settings: DiscountSettings,
  outcomes: readonly LevelOutcome[],
  budget: number,
): Level[] {
  const byPercent = new Map<number, { impressions: number; takes: number; candidate: boolean }>();
  const entry = (percent: number) => {
    let found = byPercent.get(percent);
    if (!found) {
      found = { impressions: 0, takes: 0, candidate: false };
      byPercent.set(percent, found);
    }
    return found;
  };
  for (const percent of [0, ...(settings.levels ?? DEFAULT_DISCOUNT_LEVELS)]) {
    if (Number.isFinite(percent) && percent >= 0 && percent <= 100) entry(percent).candidate = true;
  }
  for (const outcome of outcomes) {
    if (!(Number.isFinite(outcome.percent) && outcome.percent >= 0 && outcome.percent <= 100)) continue;
    const impressions = Math.max(finite(outcome.impressions, 0), 0);
    const found = entry(outcome.percent);
    found.impressions += impressions;
    found.takes += Math.min(Math.max(finite(outcome.takes, 0), 0), impressions);
  }
  return [...byPercent.entries()]
    .sort(([a], [b]) => a - b)
    .map(([percent, data]) => ({
      percent,
      margin: price * (1 - percent / 100) - cost,
      // A level seen only in the history (since removed from the settings) informs, but is never offered.
      blocked: data.candidate ? blockOf(percent, price, cost, settings, budget) : "cap",
      impressions: data.impressions,
      takes: data.takes,
    }));
}

/**
 * Take probability per level: a Beta posterior whose prior, shared by all levels, is the offer's pooled
 * take rate; then isotonic regression, because a discount never lowers the chance of a take. With an
 * rng, each level's rate is a posterior draw (Thompson sampling) instead of the posterior mean.
 */
export function takeRates(levels: readonly Level[], rng?: () => number): number[] {
  const impressions = levels.reduce((sum, level) => sum + level.impressions, 0);
  const takes = levels.reduce((sum, level) => sum + level.takes, 0);
  const pooled = (takes + 1) / (impressions + 2);
  const alpha0 = PRIOR_STRENGTH * pooled;
  const beta0 = PRIOR_STRENGTH * (1 - pooled);
  const rates = levels.map((level) => {
    const a = alpha0 + level.takes;
    const b = beta0 + level.impressions - level.takes;
    return rng ? sampleBeta(rng, a, b) : a / (a + b);
  });
  return isotonicNonDecreasing(
    rates,
    levels.map((level) => PRIOR_STRENGTH + level.impressions),
  );
}

export interface Estimates {
  levels: readonly Level[];
  /** posterior mean take rate per level */
  rates: readonly number[];
  /** indexes of the levels that may be offered, level 0 first */
  allowed: readonly number[];
}

export const expected = ({ levels, rates }: Estimates, i: number) => rates[i]! * levels[i]!.margin;

/** The allowed level with the highest expected margin under `rates`; ties go to the smaller discount. */
export function bestLevel(estimates: Estimates, rates: readonly number[]): number {
  const { levels, allowed } = estimates;
  return allowed.reduce((best, i) =>
    rates[i]! * levels[i]!.margin > rates[best]! * levels[best]!.margin ? i : best,
  );
}
