import { createRng, type Rng } from "../data/random";
import { type ArmStats, type BanditCandidate, chooseOffers, eligibleCandidates } from "../policy/bandit";
import { blockOf } from "../policy/discount-levels";
import { type DiscountModel, type DiscountOutcome, fitDiscountModel } from "../policy/discount-model";
import { decideDiscount } from "../policy/discount-policy";
import { SIM_LEVELS, type SimProduct, type SimSegment, type SimShop, saleMargin } from "./simulated-shop";

/**
 * Online runs on the simulated shop. Shoppers draw from their own seeded stream (segment, then a take
 * threshold per checkout), so every policy run with one seed meets exactly the same shoppers.
 */

export const CHECKOUTS_PER_MONTH = 10_000;
/** Checkouts between two fits of the discount model, as a server refits it every minute or so. */
export const REFIT_EVERY = 500;

interface Best {
  candidate: number;
  percent: number;
  value: number;
}

/** The best eligible offer and allowed level by the true take probabilities (budget aside). */
export function oracleBest(shop: SimShop, segment: SimSegment): Best {
  const eligible = new Set(eligibleCandidates(asCandidates(segment)).map((c) => c.id));
  let best: Best = { candidate: -1, percent: 0, value: Number.NEGATIVE_INFINITY };
  segment.candidates.forEach((candidate, index) => {
    if (!eligible.has(candidate.product)) return;
    const product = shop.products.get(candidate.product)!;
    SIM_LEVELS.forEach((percent, level) => {
      if (blockOf(percent, product.price, product.cost, shop.settings, Number.POSITIVE_INFINITY)) return;
      const value = candidate.take[level]! * saleMargin(product, percent);
      if (value > best.value) best = { candidate: index, percent, value };
    });
  });
  return best;
}

function asCandidates(segment: SimSegment): BanditCandidate[] {
  return segment.candidates.map((c) => ({ id: c.product, relevance: c.relevance }));
}

function pickSegment(shop: SimShop, u: number): number {
  let cumulative = 0;
  for (let i = 0; i < shop.segments.length; i++) {
    cumulative += shop.segments[i]!.share;
    if (u < cumulative) return i;
  }
  return shop.segments.length - 1;
}

export interface Run {
  margin: number;
  discount: number;
  takes: number;
  /** per round: cumulative expected regret, chosen candidate index, chosen percent, segment */
  regret: Float64Array;
  chosen: Int32Array;
  percent: Float64Array;
  segment: Int32Array;
}

export type DiscountMode = "learned" | "none" | "max";

/** One online run: every checkout, decide each eligible offer's discount, let the bandit pick one, observe. */
export function runPolicy(
  shop: SimShop,
  mode: DiscountMode,
  options: { seed: number; rounds: number; budgetPer1000?: number },
): Run {
  const { seed, rounds } = options;
  // Shoppers draw from their own stream, so every policy meets the same shoppers.
  const shoppers = createRng(seed);
  const policyRng: Rng = createRng(seed ^ 0x5bd1e995);
  const bests = shop.segments.map((segment) => oracleBest(shop, segment));
  const monthlyBudget = ((options.budgetPer1000 ?? Number.POSITIVE_INFINITY) * CHECKOUTS_PER_MONTH) / 1000;
  // history[segment][candidate][level]
  const history: ArmStats[][][] = shop.segments.map((s) =>
    s.candidates.map(() => SIM_LEVELS.map(() => ({ impressions: 0, takes: 0 }))),
  );
  const run: Run = {
    margin: 0,
    discount: 0,
    takes: 0,
    regret: new Float64Array(rounds),
    chosen: new Int32Array(rounds),
    percent: new Float64Array(rounds),
    segment: new Int32Array(rounds),
  };
  let spentThisMonth = 0;
  let regret = 0;
  let model: DiscountModel | null = null;
  for (let round = 0; round < rounds; round++) {
    if (round % CHECKOUTS_PER_MONTH === 0) spentThisMonth = 0;
    if (mode === "learned" && round % REFIT_EVERY === 0) {
      model = fitDiscountModel(outcomesOf(shop, history), { levels: SIM_LEVELS, previous: model });
    }
    const s = pickSegment(shop, shoppers());
    const threshold = shoppers();
    const segment = shop.segments[s]!;
    const budgetLeft = monthlyBudget - spentThisMonth;
    const eligible = new Set(eligibleCandidates(asCandidates(segment)).map((c) => c.id));
    const levelOf = new Map<number, number>();
    const candidates: BanditCandidate[] = [];
    const stats = new Map<string, ArmStats>();
    segment.candidates.forEach((candidate, index) => {
      if (!eligible.has(candidate.product)) return;
      const product = shop.products.get(candidate.product)!;
      const arms = history[s]![index]!;
      const level = chooseLevel(mode, shop, { product, segment: segment.id, model }, budgetLeft, policyRng);
      levelOf.set(index, level);
      const percent = SIM_LEVELS[level]!;
      candidates.push({
        id: candidate.product,
        relevance: candidate.relevance,
        margin: saleMargin(product, percent),
      });
      // The bandit judges each offer at the discount it would get now.
      stats.set(candidate.product, arms[level]!);
    });
    const { chosen } = chooseOffers({ candidates, stats, k: 1, rng: policyRng });
    const index = segment.candidates.findIndex((c) => c.product === chosen[0]!.id);
    const level = levelOf.get(index)!;
    const candidate = segment.candidates[index]!;
    const product = shop.products.get(candidate.product)!;
    const percent = SIM_LEVELS[level]!;
    const take = candidate.take[level]!;
    const taken = threshold < take;
    const arm = history[s]![index]![level]!;
    arm.impressions++;
    if (taken) {
      arm.takes++;
      run.takes++;
      run.margin += saleMargin(product, percent);
      const discount = (product.price * percent) / 100;
      run.discount += discount;
      spentThisMonth += discount;
    }
    regret += bests[s]!.value - take * saleMargin(product, percent);
    run.regret[round] = regret;
    run.chosen[round] = index;
    run.percent[round] = percent;
    run.segment[round] = s;
  }
  return run;
}

/** The logged outcomes as the discount model reads them: per product, segment and level. */
function outcomesOf(shop: SimShop, history: readonly ArmStats[][][]): DiscountOutcome[] {
  return shop.segments.flatMap((segment, s) =>
    segment.candidates.flatMap((candidate, c) => {
      const { id, price } = shop.products.get(candidate.product)!;
      return history[s]![c]!.flatMap((arm, level) =>
        arm.impressions > 0
          ? [
              {
                offer: { id, category: null, price },
                context: { segment: segment.id, discountHistory: null },
                percent: SIM_LEVELS[level]!,
                impressions: arm.impressions,
                takes: arm.takes,
              },
            ]
          : [],
      );
    }),
  );
}

function chooseLevel(
  mode: DiscountMode,
  shop: SimShop,
  { product, segment, model }: { product: SimProduct; segment: string; model: DiscountModel | null },
  budgetLeft: number,
  rng: Rng,
): number {
  if (mode === "none") return 0;
  if (mode === "max") {
    let level = 0;
    SIM_LEVELS.forEach((percent, i) => {
      if (!blockOf(percent, product.price, product.cost, shop.settings, budgetLeft)) level = i;
    });
    return level;
  }
  const { percent } = decideDiscount({
    price: product.price,
    unitCost: product.cost,
    settings: shop.settings,
    model: model!,
    offer: { id: product.id, category: null },
    context: { segment, discountHistory: null },
    budgetLeft,
    rng,
  });
  return Math.max(SIM_LEVELS.indexOf(percent), 0);
}

/** The oracle on the same shoppers: every checkout gets its segment's best offer and level. */
export function runOracle(shop: SimShop, options: { seed: number; rounds: number }): Run {
  const shoppers = createRng(options.seed);
  const bests = shop.segments.map((segment) => oracleBest(shop, segment));
  const run: Run = {
    margin: 0,
    discount: 0,
    takes: 0,
    regret: new Float64Array(options.rounds),
    chosen: new Int32Array(options.rounds),
    percent: new Float64Array(options.rounds),
    segment: new Int32Array(options.rounds),
  };
  for (let round = 0; round < options.rounds; round++) {
    const s = pickSegment(shop, shoppers());
    const threshold = shoppers();
    const best = bests[s]!;
    const candidate = shop.segments[s]!.candidates[best.candidate]!;
    const product = shop.products.get(candidate.product)!;
    if (threshold < candidate.take[SIM_LEVELS.indexOf(best.percent)]!) {
      run.takes++;
      run.margin += saleMargin(product, best.percent);
      run.discount += (product.price * best.percent) / 100;
    }
    run.chosen[round] = best.candidate;
    run.percent[round] = best.percent;
    run.segment[round] = s;
  }
  return run;
}
