import type { ArmOutcomes } from "~/models/experiment-outcomes.server";
import { type MeanSample, type ProportionSample, twoProportionZTest, welchTest } from "~ml";

/** An arm against the holdout, estimated from their outcomes. */
export interface Estimate {
  /** treatment − holdout */
  difference: number;
  /** two-sided 95% confidence interval of the difference */
  interval: [number, number];
  pValue: number;
}

/** The rows' outcomes together: one arm's segments, or several arms'. */
export function pooledOutcomes(variant: string, rows: readonly ArmOutcomes[]): ArmOutcomes {
  const pooled: ArmOutcomes = {
    variant,
    segment: null,
    checkouts: 0,
    linked: 0,
    conversions: 0,
    orders: 0,
    revenue: 0,
    revenueSquares: 0,
  };
  for (const row of rows) {
    pooled.checkouts += row.checkouts;
    pooled.linked += row.linked;
    pooled.conversions += row.conversions;
    pooled.orders += row.orders;
    pooled.revenue += row.revenue;
    pooled.revenueSquares += row.revenueSquares;
  }
  return pooled;
}

export function conversions(row: ArmOutcomes): ProportionSample {
  return { trials: row.linked, successes: row.conversions };
}

function revenueSample(row: ArmOutcomes): MeanSample {
  const n = row.linked;
  const mean = n > 0 ? row.revenue / n : 0;
  // Σx² − n·x̄², floored at 0 against rounding.
  const variance = n > 1 ? Math.max(0, row.revenueSquares - n * mean * mean) / (n - 1) : 0;
  return { n, mean, variance };
}

export function conversionLift(holdout: ArmOutcomes, arm: ArmOutcomes): Estimate | null {
  if (holdout.linked === 0 || arm.linked === 0) return null;
  const { difference, interval, pValue } = twoProportionZTest(conversions(holdout), conversions(arm));
  return { difference, interval, pValue };
}

/**
 * Revenue per linked checkout against the holdout's (Welch's t), less the arm's discount cost per
 * linked checkout; null with fewer than 2 linked units on either side.
 */
export function netIncremental(
  holdout: ArmOutcomes,
  arm: ArmOutcomes,
  discountCost: number,
): Estimate | null {
  if (holdout.linked < 2 || arm.linked < 2) return null;
  const { difference, interval, pValue } = welchTest(revenueSample(holdout), revenueSample(arm));
  const cost = discountCost / arm.linked;
  return { difference: difference - cost, interval: [interval[0] - cost, interval[1] - cost], pValue };
}
