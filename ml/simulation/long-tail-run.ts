import { performance } from "node:perf_hooks";
import { createRng, type Rng } from "../data/random";
import { blockOf } from "../policy/discount-levels";
import { type DiscountModel, type DiscountOutcome, fitDiscountModel } from "../policy/discount-model";
import { decideDiscount } from "../policy/discount-policy";
import {
  drawOffer,
  drawShopper,
  type LongTailOffer,
  type LongTailShop,
  type LongTailShopper,
  SHOPPER_KINDS,
  type ShopperKind,
  trueMargin,
  trueTake,
} from "./long-tail-shop";
import { REFIT_EVERY } from "./simulation-run";

/**
 * Online runs of the discount policies on the long-tail shop. Every run meets the same shoppers and
 * offers (one seeded stream draws the shopper, the offer and the take threshold of each checkout);
 * a policy only chooses the discount. Budgets are spent when a discounted offer is taken.
 */

export type LongTailPolicy = "learned" | "none" | "max" | "oracle" | "context oracle";

export interface KindOutcome {
  kind: ShopperKind;
  checkouts: number;
  /** share of their checkouts offered a discount */
  discountedShare: number;
  /** discount given per 1,000 of their checkouts on takes that would have happened without it */
  wastedPer1000: number;
  /** margin per 1,000 of their checkouts */
  marginPer1000: number;
}

export interface LongTailRun {
  policy: LongTailPolicy;
  margin: number;
  discount: number;
  takes: number;
  /** the most discount spent in any month */
  largestMonth: number;
  /** per round: the expected margin of the level chosen (true take probability × true margin) */
  expected: Float64Array;
  kinds: KindOutcome[];
  /** time per discount decision, milliseconds: median and 99th percentile (learned only) */
  decisionMs: { median: number; p99: number } | null;
  /** time per refit of the discount model, milliseconds: median and largest (learned only) */
  fitMs: { median: number; max: number } | null;
}

interface Checkout {
  shopper: LongTailShopper;
  offer: LongTailOffer;
  threshold: number;
}

type KindMix = Map<string, number[]>;

const contextKey = (shopper: LongTailShopper) => `${shopper.segment}|${shopper.discountHistory ?? "-"}`;

/** P(kind | segment, discount history), estimated from many draws of the shop's shoppers. */
function kindMix(seed: number, draws = 200_000): KindMix {
  const rng = createRng(seed ^ 0x27d4eb2f);
  const counts: KindMix = new Map();
  for (let i = 0; i < draws; i++) {
    const shopper = drawShopper(rng);
    const key = contextKey(shopper);
    const row = counts.get(key) ?? SHOPPER_KINDS.map(() => 0);
    row[SHOPPER_KINDS.indexOf(shopper.kind)]!++;
    counts.set(key, row);
  }
  for (const row of counts.values()) {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, i) => {
      row[i] = count / total;
    });
  }
  return counts;
}

function allowedLevels(shop: LongTailShop, price: number, cost: number, budgetLeft: number): number[] {
  return shop.levels.filter((percent) => blockOf(percent, price, cost, shop.settings, budgetLeft) === null);
}

/** The level with the highest expected margin under take probabilities `take(percent)`, true costs. */
function bestLevel(levels: readonly number[], offer: LongTailOffer, take: (percent: number) => number) {
  let best = 0;
  let value = Number.NEGATIVE_INFINITY;
  for (const percent of levels) {
    const v = take(percent) * trueMargin(offer, percent);
    if (v > value) [best, value] = [percent, v];
  }
  return best;
}

/**
 * Cumulative regret per round: the expected margin the oracle's run earned by then, less this run's.
 * Against the oracle's own run, not the best level under this run's budget left: a policy that spends
 * its budget early would otherwise owe nothing once nothing was left to spend.
 */
export function regretAgainst(oracle: LongTailRun, run: LongTailRun): Float64Array {
  const regret = new Float64Array(run.expected.length);
  let sum = 0;
  for (let round = 0; round < regret.length; round++) {
    sum += oracle.expected[round]! - run.expected[round]!;
    regret[round] = sum;
  }
  return regret;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)]!;
}

export function runLongTail(
  shop: LongTailShop,
  policy: LongTailPolicy,
  { seed, rounds, policySeed = 0 }: { seed: number; rounds: number; policySeed?: number },
): LongTailRun {
  const stream = createRng(seed);
  // The policy's own dice: another policy seed replays the same shoppers with other explorations.
  const policyRng: Rng = createRng(seed ^ 0x5bd1e995 ^ (policySeed * 0x9e3779b1));
  const mix = policy === "context oracle" ? kindMix(seed) : null;
  const outcomes = new Map<string, DiscountOutcome>();
  let model: DiscountModel | null = null;
  const decisionTimes: number[] = [];
  const fitTimes: number[] = [];
  const kinds = SHOPPER_KINDS.map((kind) => ({
    kind,
    checkouts: 0,
    discounted: 0,
    wasted: 0,
    margin: 0,
  }));
  const run: LongTailRun = {
    policy,
    margin: 0,
    discount: 0,
    takes: 0,
    largestMonth: 0,
    expected: new Float64Array(rounds),
    kinds: [],
    decisionMs: null,
    fitMs: null,
  };
  let spent = 0;
  for (let round = 0; round < rounds; round++) {
    if (round % shop.checkoutsPerMonth === 0) spent = 0;
    const checkout: Checkout = {
      shopper: drawShopper(stream),
      offer: drawOffer(shop, stream),
      threshold: stream(),
    };
    const { shopper, offer, threshold } = checkout;
    if (policy === "learned" && round % REFIT_EVERY === 0) {
      const started = performance.now();
      model = fitDiscountModel([...outcomes.values()], { levels: shop.levels, previous: model });
      fitTimes.push(performance.now() - started);
    }
    const budgetLeft = shop.monthlyBudget - spent;
    const believedCost = offer.costKnown
      ? offer.cost
      : (shop.settings.assumedCostPercent / 100) * offer.price;
    const trueAllowed = allowedLevels(shop, offer.price, offer.cost, budgetLeft);
    let percent = 0;
    if (policy === "max") {
      percent = Math.max(...allowedLevels(shop, offer.price, believedCost, budgetLeft));
    } else if (policy === "oracle") {
      percent = bestLevel(trueAllowed, offer, (p) => trueTake(offer, shopper.kind, p));
    } else if (policy === "context oracle") {
      const shares = mix!.get(contextKey(shopper))!;
      percent = bestLevel(trueAllowed, offer, (p) =>
        SHOPPER_KINDS.reduce((sum, kind, i) => sum + shares[i]! * trueTake(offer, kind, p), 0),
      );
    } else if (policy === "learned") {
      const started = performance.now();
      percent = decideDiscount({
        price: offer.price,
        unitCost: offer.costKnown ? offer.cost : null,
        settings: shop.settings,
        model: model!,
        offer: { id: offer.id, category: offer.category },
        context: { segment: shopper.segment, discountHistory: shopper.discountHistory },
        budgetLeft,
        rng: policyRng,
      }).percent;
      decisionTimes.push(performance.now() - started);
    }
    const take = trueTake(offer, shopper.kind, percent);
    const taken = threshold < take;
    const kind = kinds[SHOPPER_KINDS.indexOf(shopper.kind)]!;
    kind.checkouts++;
    if (percent > 0) kind.discounted++;
    if (taken) {
      const margin = trueMargin(offer, percent);
      const discount = (offer.price * percent) / 100;
      run.takes++;
      run.margin += margin;
      run.discount += discount;
      kind.margin += margin;
      spent += discount;
      run.largestMonth = Math.max(run.largestMonth, spent);
      if (percent > 0 && threshold < trueTake(offer, shopper.kind, 0)) kind.wasted += discount;
    }
    if (policy === "learned") {
      const key = `${offer.id}|${contextKey(shopper)}|${percent}`;
      const found = outcomes.get(key) ?? {
        offer: { id: offer.id, category: offer.category, price: offer.price },
        context: { segment: shopper.segment, discountHistory: shopper.discountHistory },
        percent,
        impressions: 0,
        takes: 0,
      };
      found.impressions++;
      if (taken) found.takes++;
      outcomes.set(key, found);
    }
    run.expected[round] = take * trueMargin(offer, percent);
  }
  run.kinds = kinds.map(({ kind, checkouts, discounted, wasted, margin }) => ({
    kind,
    checkouts,
    discountedShare: checkouts > 0 ? discounted / checkouts : 0,
    wastedPer1000: checkouts > 0 ? (wasted / checkouts) * 1000 : 0,
    marginPer1000: checkouts > 0 ? (margin / checkouts) * 1000 : 0,
  }));
  if (policy === "learned") {
    const decisions = decisionTimes.sort((a, b) => a - b);
    const fits = fitTimes.sort((a, b) => a - b);
    run.decisionMs = { median: quantile(decisions, 0.5), p99: quantile(decisions, 0.99) };
    run.fitMs = { median: quantile(fits, 0.5), max: fits.at(-1) ?? 0 };
  }
  return run;
}
