import {
  type Blocked,
  bestLevel,
  blockOf,
  buildLevels,
  type Estimates,
  expected,
  finite,
  type Level,
  MIN_IMPRESSIONS,
  takeRates,
} from "./discount-levels";

export { DEFAULT_DISCOUNT_LEVELS, MIN_IMPRESSIONS, PRIOR_STRENGTH } from "./discount-levels";

/**
 * How much discount, if any, to put on one offer for one segment: the level with the highest
 * expected margin (take probability × margin), among the levels the merchant's caps allow.
 */

export interface DiscountSettings {
  enabled: boolean;
  /** largest discount in percent, e.g. 15 */
  maxPercent: number;
  /** candidate levels in percent; default [0, 5, 10, 15, 20, 25, 30] capped by maxPercent */
  levels?: readonly number[];
  /** margin floor: the discounted price must keep at least this share of price above cost (percent) */
  marginFloorPercent: number;
  /** when the product's cost is unknown: assumed cost as a percent of price */
  assumedCostPercent: number;
  /** default level while there is too little data, usually 0 */
  defaultPercent: number;
}

export interface LevelOutcome {
  percent: number;
  impressions: number;
  takes: number;
}

export interface DiscountDecision {
  percent: number;
  expectedMargin: number;
  takeProbability: number;
  explanation: string;
}

function fmtPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

function fmtRate(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function fmtMoney(value: number): string {
  return value.toFixed(2);
}

function describeLevel(percent: number): string {
  return percent === 0 ? "no discount" : `${fmtPercent(percent)} off`;
}

function decision(percent: number, margin: number, take: number, explanation: string): DiscountDecision {
  const takeProbability = Math.min(Math.max(finite(take, 0), 0), 1);
  return { percent, expectedMargin: finite(takeProbability * margin, 0), takeProbability, explanation };
}

function blockedNote(levels: readonly Level[], settings: DiscountSettings, budget: number): string {
  const groups: Array<[Blocked, string]> = [
    ["floor", `they would leave less than the ${fmtPercent(settings.marginFloorPercent)} margin floor`],
    ["budget", `the discount budget left this month (${fmtMoney(budget)}) does not cover them`],
  ];
  const notes = groups.flatMap(([reason, words]) => {
    const percents = levels.filter((level) => level.blocked === reason).map((l) => fmtPercent(l.percent));
    return percents.length > 0 ? [`${percents.join(", ")} not offered: ${words}.`] : [];
  });
  return notes.length > 0 ? ` ${notes.join(" ")}` : "";
}

function explainChoice(estimates: Estimates, chosen: number, best: number, note: string): string {
  const { levels, rates, allowed } = estimates;
  const level = levels[chosen]!;
  const zero = allowed[0]!;
  const baseRate = fmtRate(rates[zero]!);
  if (chosen !== best) {
    return (
      `Trying ${describeLevel(level.percent)} to learn how shoppers respond to it; the best estimate so far is ` +
      `${describeLevel(levels[best]!.percent)} (${fmtMoney(expected(estimates, best))} expected margin per offer shown).${note}`
    );
  }
  if (level.percent > 0) {
    return (
      `${fmtPercent(level.percent)} off: it lifts the take rate from ${baseRate} to ${fmtRate(rates[chosen]!)}, ` +
      `so the expected margin per offer shown rises from ${fmtMoney(expected(estimates, zero))} to ` +
      `${fmtMoney(expected(estimates, chosen))}.${note}`
    );
  }
  const discounts = allowed.filter((i) => i !== zero);
  if (discounts.length === 0) {
    return `No discount: shoppers take this offer ${baseRate} of the time and no discount level is allowed.${note}`;
  }
  const runnerUp = discounts.reduce((a, b) => (expected(estimates, b) > expected(estimates, a) ? b : a));
  return (
    `No discount: shoppers take this offer ${baseRate} of the time without one, for ` +
    `${fmtMoney(expected(estimates, zero))} expected margin per offer shown; the best discount, ` +
    `${fmtPercent(levels[runnerUp]!.percent)} off, would take ${fmtRate(rates[runnerUp]!)} for ` +
    `${fmtMoney(expected(estimates, runnerUp))}.${note}`
  );
}

/** While the offer has little history: the default level if the caps allow it, else no discount. */
function defaultDecision(
  estimates: Estimates,
  shown: number,
  allowedDefault: boolean,
  settings: DiscountSettings,
  price: number,
  cost: number,
): DiscountDecision {
  const { levels, rates } = estimates;
  const percent = settings.defaultPercent;
  const head = `Learning: this offer has been shown ${shown} of the ${MIN_IMPRESSIONS} times needed`;
  const zero = levels.findIndex((level) => level.percent === 0);
  if (percent === 0) {
    return decision(0, levels[zero]!.margin, rates[zero]!, `${head}, so it gets the default of no discount.`);
  }
  if (!allowedDefault) {
    return decision(
      0,
      levels[zero]!.margin,
      rates[zero]!,
      `${head}; the default of ${fmtPercent(percent)} off is over the caps, margin floor or budget, so no discount.`,
    );
  }
  // The rate of the nearest level at or below the default: a discount never lowers it.
  let index = zero;
  levels.forEach((level, i) => {
    if (level.percent <= percent) index = i;
  });
  const margin = price * (1 - percent / 100) - cost;
  return decision(
    percent,
    margin,
    rates[index]!,
    `${head}, so it gets the default of ${fmtPercent(percent)} off.`,
  );
}

export function decideDiscount(input: {
  price: number;
  unitCost: number | null;
  settings: DiscountSettings;
  outcomes: readonly LevelOutcome[];
  budgetLeft: number;
  rng?: () => number;
}): DiscountDecision {
  const { price, settings, outcomes, rng } = input;
  if (!(Number.isFinite(price) && price > 0))
    return decision(0, 0, 0, "No discount: the offer has no price.");
  const knownCost = input.unitCost !== null && Number.isFinite(input.unitCost) && input.unitCost >= 0;
  const cost = knownCost ? input.unitCost! : (finite(settings.assumedCostPercent, 100) / 100) * price;
  // An infinite budget means no budget; a missing (NaN) one means nothing to spend.
  const budget = Number.isNaN(input.budgetLeft) ? 0 : Math.max(input.budgetLeft, 0);
  const levels = buildLevels(price, cost, settings, outcomes, budget);
  const rates = takeRates(levels);
  const allowed = levels.flatMap((level, i) => (level.blocked === null ? [i] : []));
  const estimates: Estimates = { levels, rates, allowed };
  const zero = allowed[0]!;
  const noDiscount = (explanation: string) => decision(0, levels[zero]!.margin, rates[zero]!, explanation);

  if (!settings.enabled) return noDiscount("No discount: discounts are turned off.");
  const { maxPercent, marginFloorPercent, assumedCostPercent, defaultPercent } = settings;
  if (![maxPercent, marginFloorPercent, assumedCostPercent, defaultPercent].every(Number.isFinite)) {
    return noDiscount("No discount: the discount settings are incomplete.");
  }
  const shown = levels.reduce((sum, level) => sum + level.impressions, 0);
  if (shown < MIN_IMPRESSIONS) {
    const allowedDefault =
      defaultPercent >= 0 && blockOf(defaultPercent, price, cost, settings, budget) === null;
    return defaultDecision(estimates, shown, allowedDefault, settings, price, cost);
  }

  const best = bestLevel(estimates, rates);
  const chosen = rng ? bestLevel(estimates, takeRates(levels, rng)) : best;
  const level = levels[chosen]!;
  const note = blockedNote(levels, settings, budget);
  return decision(level.percent, level.margin, rates[chosen]!, explainChoice(estimates, chosen, best, note));
}
