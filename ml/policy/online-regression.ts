import { normalCdf } from "./distributions";
import { type ProportionSample, twoProportionZTest } from "./experiment-stats";

export interface OnlineRegression {
  regressed: boolean;
  /** one-sided p-value of "current is no lower than baseline"; 1 when not judged */
  pValue: number;
  explanation: string;
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString("en");

/**
 * Whether a rate (offers taken per offer shown, say) fell from `baseline` to `current` by more than
 * chance: lower by at least `minRelativeDrop` of the baseline, and significant at a strict one-sided
 * `alpha` (0.001 by default, as this is checked every night, so that a quiet shop does not raise a
 * false alarm every few months). Nothing is concluded below `minTrials` in either sample.
 */
export function onlineRegression({
  baseline,
  current,
  what,
  labels = { current: "now", baseline: "before" },
  alpha = 0.001,
  minTrials = 1000,
  minRelativeDrop = 0.2,
}: {
  baseline: ProportionSample;
  current: ProportionSample;
  /** names the rate in the explanation, e.g. "take rate" */
  what: string;
  /** name the two samples in the explanation, e.g. "v4 since its promotion" */
  labels?: { current: string; baseline: string };
  alpha?: number;
  minTrials?: number;
  minRelativeDrop?: number;
}): OnlineRegression {
  const smaller = Math.min(baseline.trials, current.trials);
  if (smaller < minTrials) {
    return {
      regressed: false,
      pValue: 1,
      explanation: `The ${what} is not judged yet: ${count(smaller)} of the ${count(minTrials)} offers shown needed on each side.`,
    };
  }
  const clamp = (s: ProportionSample) => ({ trials: s.trials, successes: Math.min(s.successes, s.trials) });
  const comparison = twoProportionZTest(clamp(baseline), clamp(current));
  const pValue = normalCdf(comparison.statistic);
  const rates =
    `${pct(comparison.treatmentRate)} of ${count(current.trials)} offers shown (${labels.current}) against ` +
    `${pct(comparison.controlRate)} of ${count(baseline.trials)} (${labels.baseline})`;
  const dropped = comparison.treatmentRate <= (1 - minRelativeDrop) * comparison.controlRate;
  if (dropped && pValue < alpha) {
    return {
      regressed: true,
      pValue,
      explanation: `The ${what} fell: ${rates}; one-sided p = ${pValue.toPrecision(2)}.`,
    };
  }
  return { regressed: false, pValue, explanation: `The ${what} holds up: ${rates}.` };
}
