import type { Rng } from "../data/random";
import {
  type Blocked,
  blockOf,
  candidateLevels,
  finite,
  type Level,
  MIN_IMPRESSIONS,
} from "./discount-levels";
import { type DiscountModel, type OfferFeatures, type ShopperContext, takeEstimator } from "./discount-model";

export { DEFAULT_DISCOUNT_LEVELS, MIN_IMPRESSIONS } from "./discount-levels";

/**
 * How much discount, if any, to put on one offer for one shopper: the level with the highest expected
 * margin (take probability × margin) among the levels the merchant's caps allow, the take probability
 * coming from the shop's discount model (discount-model.ts) for this offer and this shopper. With an
 * rng the model's terms are a posterior draw (Thompson sampling), so levels the model is unsure of get
 * tried; a tried level may give up at most EXPLORATION_COST of the best level's expected margin.
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
  /** default level while the shop has too little data, usually 0 */
  defaultPercent: number;
}

export interface DiscountDecision {
  percent: number;
  expectedMargin: number;
  takeProbability: number;
  /** whether the level was chosen to learn rather than because it is the best estimate */
  exploring: boolean;
  explanation: string;
}

/** The most expected margin per offer shown a tried level may give up, as a share of the best level's. */
export const EXPLORATION_COST = 0.25;

function fmtPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

function fmtRate(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function fmtMoney(value: number): string {
  return value.toFixed(2);
}

function fmtCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function describeLevel(percent: number): string {
  return percent === 0 ? "no discount" : `${fmtPercent(percent)} off`;
}

function decision(
  percent: number,
  margin: number,
  take: number,
  explanation: string,
  exploring = false,
): DiscountDecision {
  const takeProbability = Math.min(Math.max(finite(take, 0), 0), 1);
  return {
    percent,
    expectedMargin: finite(takeProbability * margin, 0),
    takeProbability,
    exploring,
    explanation,
  };
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

interface Estimates {
  levels: readonly Level[];
  /** posterior-mean take probability per level */
  rates: readonly number[];
  allowed: readonly number[];
}

const expected = ({ levels, rates }: Estimates, i: number) => rates[i]! * levels[i]!.margin;

function bestOf(estimates: Estimates, rates: readonly number[]): number {
  const { levels, allowed } = estimates;
  return allowed.reduce((best, i) =>
    rates[i]! * levels[i]!.margin > rates[best]! * levels[best]!.margin ? i : best,
  );
}

function evidence(model: DiscountModel, offerImpressions: number): string {
  return (
    ` Learned from ${fmtCount(model.impressions)} offers shown in this shop, ` +
    `${fmtCount(offerImpressions)} of them of this product.`
  );
}

function explainChoice(
  estimates: Estimates,
  chosen: number,
  best: number,
  shoppers: string,
  tail: string,
): string {
  const { levels, rates, allowed } = estimates;
  const level = levels[chosen]!;
  const zero = allowed[0]!;
  const baseRate = fmtRate(rates[zero]!);
  if (chosen !== best) {
    return (
      `Trying ${describeLevel(level.percent)} to learn how ${shoppers} respond to it; the best estimate so far is ` +
      `${describeLevel(levels[best]!.percent)} (${fmtMoney(expected(estimates, best))} expected margin per offer shown).${tail}`
    );
  }
  if (level.percent > 0) {
    return (
      `${fmtPercent(level.percent)} off: for ${shoppers}, it lifts the estimated take rate from ${baseRate} ` +
      `to ${fmtRate(rates[chosen]!)}, so the expected margin per offer shown rises from ` +
      `${fmtMoney(expected(estimates, zero))} to ${fmtMoney(expected(estimates, chosen))}.${tail}`
    );
  }
  const discounts = allowed.filter((i) => i !== zero);
  if (discounts.length === 0) {
    return `No discount: ${shoppers} take this offer an estimated ${baseRate} of the time and no discount level is allowed.${tail}`;
  }
  const runnerUp = discounts.reduce((a, b) => (expected(estimates, b) > expected(estimates, a) ? b : a));
  return (
    `No discount: ${shoppers} take this offer an estimated ${baseRate} of the time without one, for ` +
    `${fmtMoney(expected(estimates, zero))} expected margin per offer shown; the best discount, ` +
    `${fmtPercent(levels[runnerUp]!.percent)} off, would take ${fmtRate(rates[runnerUp]!)} for ` +
    `${fmtMoney(expected(estimates, runnerUp))}.${tail}`
  );
}

export function decideDiscount(input: {
  price: number;
  unitCost: number | null;
  settings: DiscountSettings;
  model: DiscountModel;
  offer: Omit<OfferFeatures, "price">;
  context: ShopperContext;
  budgetLeft: number;
  rng?: Rng;
  /** who the shopper is, in the merchant's words, e.g. "returning shoppers"; default "shoppers like this one" */
  shoppers?: string;
}): DiscountDecision {
  const { price, settings, model, rng } = input;
  if (!(Number.isFinite(price) && price > 0))
    return decision(0, 0, 0, "No discount: the offer has no price.");
  const knownCost = input.unitCost !== null && Number.isFinite(input.unitCost) && input.unitCost >= 0;
  const cost = knownCost ? input.unitCost! : (finite(settings.assumedCostPercent, 100) / 100) * price;
  // An infinite budget means no budget; a missing (NaN) one means nothing to spend.
  const budget = Number.isNaN(input.budgetLeft) ? 0 : Math.max(input.budgetLeft, 0);
  const levels = candidateLevels(price, cost, settings, budget);
  const estimator = takeEstimator(model, { ...input.offer, price }, input.context);
  const percents = levels.map((level) => level.percent);
  const rates = estimator.takeProbabilities(percents);
  const allowed = levels.flatMap((level, i) => (level.blocked === null ? [i] : []));
  const estimates: Estimates = { levels, rates, allowed };
  const zero = allowed[0]!;
  const noDiscount = (explanation: string) => decision(0, levels[zero]!.margin, rates[zero]!, explanation);

  if (!settings.enabled) return noDiscount("No discount: discounts are turned off.");
  const { maxPercent, marginFloorPercent, assumedCostPercent, defaultPercent } = settings;
  if (![maxPercent, marginFloorPercent, assumedCostPercent, defaultPercent].every(Number.isFinite)) {
    return noDiscount("No discount: the discount settings are incomplete.");
  }
  if (model.impressions < MIN_IMPRESSIONS)
    return defaultDecision(estimates, model.impressions, { settings, price, cost, budget });

  const best = bestOf(estimates, rates);
  let chosen = rng ? bestOf(estimates, estimator.takeProbabilities(percents, rng)) : best;
  if (expected(estimates, chosen) < (1 - EXPLORATION_COST) * expected(estimates, best)) chosen = best;
  const level = levels[chosen]!;
  const tail = `${blockedNote(levels, settings, budget)}${evidence(model, estimator.offerImpressions)}`;
  const shoppers = input.shoppers ?? "shoppers like this one";
  return decision(
    level.percent,
    level.margin,
    rates[chosen]!,
    explainChoice(estimates, chosen, best, shoppers, tail),
    chosen !== best,
  );
}

/** While the shop has little history: the default level if the caps allow it, else no discount. */
function defaultDecision(
  estimates: Estimates,
  shown: number,
  {
    settings,
    price,
    cost,
    budget,
  }: { settings: DiscountSettings; price: number; cost: number; budget: number },
): DiscountDecision {
  const { levels, rates, allowed } = estimates;
  const percent = settings.defaultPercent;
  const head = `Learning: this shop's offers have been shown ${fmtCount(shown)} of the ${MIN_IMPRESSIONS} times needed`;
  const zero = allowed[0]!;
  if (percent === 0) {
    return decision(0, levels[zero]!.margin, rates[zero]!, `${head}, so it gets the default of no discount.`);
  }
  if (!(percent > 0 && blockOf(percent, price, cost, settings, budget) === null)) {
    return decision(
      0,
      levels[zero]!.margin,
      rates[zero]!,
      `${head}; the default of ${fmtPercent(percent)} off is over the caps, margin floor or budget, so no discount.`,
    );
  }
  // The rate of the nearest level at or below the default.
  const index = levels.reduce((found, level, i) => (level.percent <= percent ? i : found), zero);
  return decision(
    percent,
    price * (1 - percent / 100) - cost,
    rates[index]!,
    `${head}, so it gets the default of ${fmtPercent(percent)} off.`,
  );
}
