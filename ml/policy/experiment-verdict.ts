import { normalCdf } from "./distributions";
import {
  type Comparison,
  type MeanSample,
  type ProportionComparison,
  type ProportionSample,
  twoProportionZTest,
  welchTest,
} from "./experiment-stats";

/**
 * What an experiment's numbers mean for the merchant. The verdict is read once, at a horizon fixed in
 * advance (see sampleSizePerArm): checking a fixed-horizon test as data arrive and stopping at the
 * first p < 0.05 would call far more false winners than the 5% promised.
 */

export type Metric =
  | { kind: "proportion"; control: ProportionSample; treatment: ProportionSample }
  | { kind: "mean"; control: MeanSample; treatment: MeanSample };

export type VerdictStatus = "collecting" | "better" | "worse" | "no difference";

export interface Verdict {
  status: VerdictStatus;
  /** share of the planned units collected, 0..1 (the smaller arm's) */
  progress: number;
  /** null until the horizon: there is nothing to read before it */
  comparison: Comparison | null;
  explanation: string;
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const signed = (value: number, digits: number) =>
  `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(digits)}`;

function sizes(metric: Metric): [number, number] {
  return metric.kind === "proportion"
    ? [metric.control.trials, metric.treatment.trials]
    : [metric.control.n, metric.treatment.n];
}

function describe(metric: Metric, comparison: Comparison, label: string, confidence: number): string {
  const level = `${Math.round(confidence * 100)}% CI`;
  const [low, high] = comparison.interval;
  const p = comparison.pValue < 0.001 ? "p < 0.001" : `p = ${comparison.pValue.toFixed(3)}`;
  if (metric.kind === "proportion") {
    const { controlRate, treatmentRate } = comparison as ProportionComparison;
    const points = (x: number) => signed(x * 100, 1);
    return (
      `${label} ${(treatmentRate * 100).toFixed(1)}% against ${(controlRate * 100).toFixed(1)}% ` +
      `(${points(comparison.difference)} points, ${level} ${points(low)} to ${points(high)}; ${p})`
    );
  }
  return (
    `${label} ${metric.treatment.mean.toFixed(2)} against ${metric.control.mean.toFixed(2)} ` +
    `(${signed(comparison.difference, 2)}, ${level} ${signed(low, 2)} to ${signed(high, 2)}; ${p})`
  );
}

export function experimentVerdict(input: {
  metric: Metric;
  /** units per arm planned before the start */
  horizonPerArm: number;
  alpha?: number;
  /** false for metrics where less is better (refund rate, say) */
  higherIsBetter?: boolean;
  /** how the metric is named to the merchant, e.g. "take rate" */
  label?: string;
}): Verdict {
  const { metric, horizonPerArm } = input;
  const alpha = input.alpha ?? 0.05;
  const label = input.label ?? (metric.kind === "proportion" ? "rate" : "mean");
  if (!(horizonPerArm > 0)) throw new RangeError("the horizon must be positive");
  const collected = Math.min(...sizes(metric));
  const progress = Math.min(collected / horizonPerArm, 1);
  if (collected < horizonPerArm) {
    return {
      status: "collecting",
      progress,
      comparison: null,
      explanation:
        `Keep collecting: ${count(collected)} of ${count(horizonPerArm)} per arm (${Math.floor(progress * 100)}%). ` +
        "The result is read once, when both arms reach the planned size, so an early streak of luck cannot decide it.",
    };
  }
  const comparison =
    metric.kind === "proportion"
      ? twoProportionZTest(metric.control, metric.treatment, 1 - alpha)
      : welchTest(metric.control, metric.treatment, 1 - alpha);
  const text = describe(metric, comparison, label, 1 - alpha);
  if (comparison.pValue >= alpha) {
    return { status: "no difference", progress, comparison, explanation: `No difference: ${text}.` };
  }
  const up = comparison.difference > 0 === (input.higherIsBetter ?? true);
  return {
    status: up ? "better" : "worse",
    progress,
    comparison,
    explanation: `${up ? "Better" : "Worse"}: ${text}.`,
  };
}

export interface GuardrailCheck {
  action: "continue" | "pause";
  /** one-sided p-value of "the treated arm completes no worse than the holdout less the tolerance" */
  pValue: number;
  explanation: string;
}

/**
 * Pauses offers when checkout completion among shoppers who see them is significantly lower than in
 * the holdout, by more than `tolerance` (an absolute difference of rates). It is watched continuously,
 * unlike the verdict, so its default alpha is a strict 0.01 (one-sided) to keep false pauses rare.
 */
export function checkGuardrail(input: {
  holdout: ProportionSample;
  treated: ProportionSample;
  alpha?: number;
  tolerance?: number;
  /** below this many units in either arm nothing is concluded */
  minPerArm?: number;
}): GuardrailCheck {
  const { holdout, treated } = input;
  const alpha = input.alpha ?? 0.01;
  const tolerance = Math.max(input.tolerance ?? 0, 0);
  const minPerArm = input.minPerArm ?? 500;
  const smaller = Math.min(holdout.trials, treated.trials);
  if (smaller < minPerArm) {
    return {
      action: "continue",
      pValue: 1,
      explanation: `Checkout completion is not judged yet: ${count(smaller)} of the ${count(minPerArm)} checkouts per arm needed.`,
    };
  }
  const comparison = twoProportionZTest(holdout, treated);
  const shortfall = comparison.difference + tolerance;
  const { standardError } = comparison;
  const pValue = standardError > 0 ? normalCdf(shortfall / standardError) : shortfall < 0 ? 0 : 1;
  const rates = `${(comparison.treatmentRate * 100).toFixed(1)}% with offers against ${(comparison.controlRate * 100).toFixed(1)}% in the holdout`;
  if (pValue < alpha) {
    return {
      action: "pause",
      pValue,
      explanation: `Paused: checkout completion is significantly lower with offers (${rates}, one-sided p = ${pValue.toPrecision(2)}).`,
    };
  }
  return { action: "continue", pValue, explanation: `Checkout completion holds up (${rates}).` };
}
