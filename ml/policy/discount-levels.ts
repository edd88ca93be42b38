import type { DiscountSettings } from "./discount-policy";

/** The discount levels of one offer: what each earns and whether the caps allow it. */

export const DEFAULT_DISCOUNT_LEVELS: readonly number[] = [0, 5, 10, 15, 20, 25, 30];
/** Offers shown in the shop (all offers and levels together) before the policy leaves the default level. */
export const MIN_IMPRESSIONS = 100;

export type Blocked = "cap" | "floor" | "budget";

export interface Level {
  percent: number;
  margin: number;
  blocked: Blocked | null;
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

/** The candidate levels (no discount first), sorted, each with its margin and what blocks it. */
export function candidateLevels(
  price: number,
  cost: number,
  settings: DiscountSettings,
  budget: number,
): Level[] {
  const percents = new Set([0]);
  for (const percent of settings.levels ?? DEFAULT_DISCOUNT_LEVELS) {
    if (Number.isFinite(percent) && percent >= 0 && percent <= 100) percents.add(percent);
  }
  return [...percents]
    .sort((a, b) => a - b)
    .map((percent) => ({
      percent,
      margin: price * (1 - percent / 100) - cost,
      blocked: blockOf(percent, price, cost, settings, budget),
    }));
}
