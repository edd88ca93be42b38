import type { Rng } from "../data/random";
import { normalQuantile, normalUpperTail, studentTQuantile, studentTUpperTail } from "./distributions";

/**
 * Frequentist comparisons of a treatment arm with a control arm (or the holdout): the difference is
 * always treatment − control, intervals are two-sided.
 */

export interface ProportionSample {
  /** units in the arm (checkouts, shoppers) */
  trials: number;
  /** units with the outcome (a take, a completed checkout) */
  successes: number;
}

export interface MeanSample {
  n: number;
  mean: number;
  /** sample variance (n − 1 in the denominator) */
  variance: number;
}

export interface Comparison {
  difference: number;
  standardError: number;
  /** the test statistic: z, or Welch's t */
  statistic: number;
  pValue: number;
  interval: [number, number];
}

export interface ProportionComparison extends Comparison {
  controlRate: number;
  treatmentRate: number;
}

export interface WelchComparison extends Comparison {
  degreesOfFreedom: number;
}

function rate({ trials, successes }: ProportionSample): number {
  if (!(trials > 0) || !(successes >= 0) || successes > trials) {
    throw new RangeError("an arm needs trials > 0 and 0 <= successes <= trials");
  }
  return successes / trials;
}

/**
 * Two-proportion z-test: the pooled standard error for the test (what the null hypothesis implies),
 * the unpooled one for the interval (what the data say), as in the textbooks.
 */
export function twoProportionZTest(
  control: ProportionSample,
  treatment: ProportionSample,
  confidence = 0.95,
): ProportionComparison {
  const [p1, p2] = [rate(control), rate(treatment)];
  const [n1, n2] = [control.trials, treatment.trials];
  const pooled = (control.successes + treatment.successes) / (n1 + n2);
  const pooledError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const standardError = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const difference = p2 - p1;
  // Both arms all-or-nothing alike: no variance, no evidence of a difference.
  const statistic = pooledError > 0 ? difference / pooledError : 0;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    controlRate: p1,
    treatmentRate: p2,
    difference,
    standardError,
    statistic,
    pValue: Math.min(1, 2 * normalUpperTail(Math.abs(statistic))),
    interval: [difference - z * standardError, difference + z * standardError],
  };
}

/** n, mean and sample variance of a list of values (revenue per checkout, say). */
export function describeSample(values: readonly number[]): MeanSample {
  const n = values.length;
  const mean = n > 0 ? values.reduce((sum, x) => sum + x, 0) / n : 0;
  const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/** Welch's t-test and interval for a difference of means with unequal variances. */
export function welchTest(control: MeanSample, treatment: MeanSample, confidence = 0.95): WelchComparison {
  if (control.n < 2 || treatment.n < 2) throw new RangeError("each arm needs at least two values");
  const v1 = control.variance / control.n;
  const v2 = treatment.variance / treatment.n;
  const standardError = Math.sqrt(v1 + v2);
  const difference = treatment.mean - control.mean;
  if (standardError === 0) {
    const pValue = difference === 0 ? 1 : 0;
    const statistic = difference === 0 ? 0 : Math.sign(difference) * Number.POSITIVE_INFINITY;
    return {
      difference,
      standardError,
      statistic,
      pValue,
      interval: [difference, difference],
      degreesOfFreedom: Number.POSITIVE_INFINITY,
    };
  }
  // Welch–Satterthwaite degrees of freedom.
  const degreesOfFreedom = (v1 + v2) ** 2 / (v1 ** 2 / (control.n - 1) + v2 ** 2 / (treatment.n - 1));
  const statistic = difference / standardError;
  const t = studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom);
  return {
    difference,
    standardError,
    statistic,
    pValue: Math.min(1, 2 * studentTUpperTail(Math.abs(statistic), degreesOfFreedom)),
    interval: [difference - t * standardError, difference + t * standardError],
    degreesOfFreedom,
  };
}

/**
 * Percentile bootstrap interval for a difference of means: no normality assumed, which suits revenue
 * per checkout (mostly zeros, a long tail). Seeded, so the same data give the same interval.
 */
export function bootstrapMeanDifference(
  control: readonly number[],
  treatment: readonly number[],
  options: { rng: Rng; resamples?: number; confidence?: number },
): { difference: number; interval: [number, number] } {
  if (control.length === 0 || treatment.length === 0) throw new RangeError("each arm needs values");
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const resampledMean = (values: readonly number[]) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(options.rng() * values.length)]!;
    return sum / values.length;
  };
  const differences = Float64Array.from(
    { length: resamples },
    () => resampledMean(treatment) - resampledMean(control),
  );
  differences.sort();
  const at = (q: number) =>
    differences[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  const tail = (1 - confidence) / 2;
  return {
    difference: describeSample(treatment).mean - describeSample(control).mean,
    interval: [at(tail), at(1 - tail)],
  };
}

/**
 * Units per arm for a two-sided two-proportion z-test to detect `minimumDetectableEffect` (an absolute
 * difference of rates) from `baselineRate`, with the null's pooled variance and the alternative's own:
 * n = (z₁₋α/₂·√(2p̄q̄) + z₁₋β·√(p₁q₁ + p₂q₂))² / (p₂ − p₁)², rounded up.
 */
export function sampleSizePerArm(input: {
  baselineRate: number;
  minimumDetectableEffect: number;
  alpha?: number;
  power?: number;
}): number {
  const { baselineRate: p1, minimumDetectableEffect: effect } = input;
  const alpha = input.alpha ?? 0.05;
  const power = input.power ?? 0.8;
  const p2 = p1 + effect;
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && effect !== 0)) {
    throw new RangeError(
      "the baseline and the baseline plus the effect must be rates strictly between 0 and 1",
    );
  }
  if (!(alpha > 0 && alpha < 1 && power > 0 && power < 1))
    throw new RangeError("alpha and power must be in (0, 1)");
  const mean = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const root = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  // Strip floating-point dust before rounding up, so an exact whole number stays itself.
  return Math.ceil((root * root) / (effect * effect) - 1e-9);
}
