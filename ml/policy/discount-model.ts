import type { Rng } from "../data/random";
import { sampleNormal } from "./sampling";

/**
 * A hierarchical Bayesian logistic model of the chance that a shopper takes an offer at a discount
 * level, shared by every offer and shopper of a shop.
 *
 *   logit P(take) = shop + category + offer + segment + discount history
 *                 + Σ over the discount steps up to the level (step + step × segment
 *                   + step × discount history + step × both together + step × price quartile
 *                   + step × category + step × offer)
 *
 * A step may lower the take rate as well as raise it: some shoppers are put off by deep discounts.
 * Every term has a Gaussian prior centred on zero (the shop's term on its observed take rate), so an
 * offer's own terms are shrunk toward its category's and the shop's, and a discount's effect on one
 * offer is learned from every offer until that offer has data of its own.
 *
 * Fitted to outcomes aggregated per (offer, context, level) by cyclic coordinate descent on the
 * posterior (each coordinate a clipped Newton step), warm-started from the previous fit; the posterior
 * is approximated by independent Gaussians whose precision is each coordinate's curvature at the
 * mode, which Thompson sampling draws from.
 */

export interface OfferFeatures {
  id: string;
  /** the product type, or null */
  category: string | null;
  price: number;
}

/** What is known of the shopper when the offer is served; null where unknown. */
export interface ShopperContext {
  segment: string | null;
  /** how often the shopper's past orders carried a discount: a small closed set of labels */
  discountHistory: string | null;
}

export interface DiscountOutcome {
  offer: OfferFeatures;
  context: ShopperContext;
  percent: number;
  impressions: number;
  takes: number;
}

/**
 * Starting prior standard deviation of each kind of term, on the logit scale. Each fit then moves a
 * kind's spread toward the spread of its fitted terms (an EM step for the variance components), so
 * how much offers, categories or shoppers differ is learned from the shop's data.
 */
const PRIOR_SD = {
  shop: 1.5,
  category: 0.5,
  offer: 0.8,
  segment: 0.5,
  history: 0.5,
  step: 0.4,
  stepSegment: 0.3,
  stepHistory: 0.3,
  stepPrice: 0.2,
  stepCategory: 0.2,
  stepOffer: 0.25,
  stepContext: 0.2,
} as const;
type Kind = keyof typeof PRIOR_SD;
export type PriorSpread = Record<Kind, number>;
/** Weight, in terms, of the starting spread against the fitted terms' own. */
const SPREAD_PRIOR_TERMS = 10;
const SPREAD_BOUNDS = [0.02, 2] as const;

const MAX_NEWTON_STEP = 1;
/**
 * Passes of coordinate descent at most, from the priors and from the previous fit. The terms overlap
 * (shop, type and offer; a step and its interactions), so coordinate descent moves slowly along
 * their sums: a fit stops early only once no term moves by more than CONVERGED.
 */
const COLD_PASSES = 200;
const WARM_PASSES = 30;
const CONVERGED = 1e-4;
/**
 * The most (term, row) visits one fit makes, about 100 ms on one core: a fit runs in a web server
 * between requests, so a large shop's fit stops short and the next refit, from this one, goes on.
 */
export const MAX_FIT_WORK = 6_000_000;

export interface DiscountModel {
  /** term key → index into mean and precision */
  index: ReadonlyMap<string, number>;
  mean: Float64Array;
  precision: Float64Array;
  /** discount percents with a step term, ascending, all above 0 */
  steps: readonly number[];
  /** impressions behind each term */
  weight: Float64Array;
  /** the prior spread of each kind of term, for this fit and the next */
  spread: PriorSpread;
  /** the prior mean of the shop's term: the logit of the smoothed pooled take rate */
  shopPrior: number;
  /** upper bounds of the first three price quartiles of the offers fitted */
  priceCuts: readonly number[];
  impressions: number;
  takes: number;
}

const logit = (p: number) => Math.log(p / (1 - p));
export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function kindOf(key: string): Kind {
  const [head, tail] = key.split("|", 2) as [string, string | undefined];
  if (tail !== undefined) {
    const part = tail.slice(0, 2);
    if (part === "s:") return "stepSegment";
    if (part === "h:") return "stepHistory";
    if (part === "p:") return "stepPrice";
    if (part === "c:") return "stepCategory";
    if (part === "x:") return "stepContext";
    return "stepOffer";
  }
  const part = head.slice(0, 2);
  if (part === "c:") return "category";
  if (part === "o:") return "offer";
  if (part === "s:") return "segment";
  if (part === "h:") return "history";
  if (part === "d:") return "step";
  return "shop";
}

function priorMean(key: string, shopPrior: number): number {
  return key === "shop" ? shopPrior : 0;
}

function priceQuartile(price: number, cuts: readonly number[]): number {
  let quartile = 0;
  while (quartile < cuts.length && price > cuts[quartile]!) quartile++;
  return quartile;
}

/** The keys of the terms that do not depend on the discount: shared by every level. */
/** A free-text part of a term's key, escaped so that no "|", ":" or "/" in it is read as structure. */
const part = (text: string) => encodeURIComponent(text);

function baseKeys(offer: OfferFeatures, context: ShopperContext): string[] {
  const keys = ["shop", `o:${part(offer.id)}`];
  if (offer.category) keys.push(`c:${part(offer.category)}`);
  if (context.segment) keys.push(`s:${part(context.segment)}`);
  if (context.discountHistory) keys.push(`h:${part(context.discountHistory)}`);
  return keys;
}

/**
 * The discount's terms for this offer and shopper at `percent` off: every step's terms up to it. A
 * level between the model's steps counts the steps below it.
 */
function doseTerms(
  percent: number,
  steps: readonly number[],
  offer: OfferFeatures,
  context: ShopperContext,
  quartile: number,
): string[] {
  const keys: string[] = [];
  for (const step of steps) {
    if (step > percent) break;
    const head = `d:${step}`;
    keys.push(head, `${head}|p:${quartile}`, `${head}|o:${part(offer.id)}`);
    if (offer.category) keys.push(`${head}|c:${part(offer.category)}`);
    if (context.segment) keys.push(`${head}|s:${part(context.segment)}`);
    if (context.discountHistory) keys.push(`${head}|h:${part(context.discountHistory)}`);
    if (context.segment && context.discountHistory) {
      keys.push(`${head}|x:${part(context.segment)}/${part(context.discountHistory)}`);
    }
  }
  return keys;
}

function validOutcome(o: DiscountOutcome): boolean {
  return (
    Number.isFinite(o.percent) &&
    o.percent >= 0 &&
    o.percent <= 100 &&
    Number.isFinite(o.impressions) &&
    o.impressions > 0 &&
    Number.isFinite(o.takes) &&
    o.takes >= 0 &&
    o.takes <= o.impressions &&
    Number.isFinite(o.offer.price) &&
    o.offer.price > 0
  );
}

function quartileCuts(prices: number[]): number[] {
  if (prices.length === 0) return [];
  const sorted = [...prices].sort((a, b) => a - b);
  return [0.25, 0.5, 0.75].map((q) => sorted[Math.min(Math.floor(q * sorted.length), sorted.length - 1)]!);
}

/**
 * The model's posterior given the outcomes, starting from `previous` (a fit on fewer outcomes of the
 * same shop) when given: a few passes then suffice.
 */
export function fitDiscountModel(
  outcomes: readonly DiscountOutcome[],
  options: { levels: readonly number[]; previous?: DiscountModel | null; passes?: number },
): DiscountModel {
  const rows = outcomes.filter(validOutcome);
  const offerPrices = new Map(rows.map((row) => [row.offer.id, row.offer.price]));
  const priceCuts = quartileCuts([...offerPrices.values()]);
  let impressions = 0;
  let takes = 0;
  for (const row of rows) {
    impressions += row.impressions;
    takes += row.takes;
  }
  const shopPrior = logit((takes + 1) / (impressions + 2));

  const index = new Map<string, number>();
  const keyOf = (key: string) => {
    let i = index.get(key);
    if (i === undefined) {
      i = index.size;
      index.set(key, i);
    }
    return i;
  };
  keyOf("shop");
  // Each row's terms, flattened.
  const rowStart = new Int32Array(rows.length + 1);
  const terms: number[] = [];
  const steps = [...new Set([...options.levels, ...rows.map((row) => row.percent)])]
    .filter((percent) => Number.isFinite(percent) && percent > 0 && percent <= 100)
    .sort((a, b) => a - b);
  const n = new Float64Array(rows.length);
  const k = new Float64Array(rows.length);
  rows.forEach((row, r) => {
    rowStart[r] = terms.length;
    const quartile = priceQuartile(row.offer.price, priceCuts);
    for (const key of baseKeys(row.offer, row.context)) terms.push(keyOf(key));
    for (const key of doseTerms(row.percent, steps, row.offer, row.context, quartile)) terms.push(keyOf(key));
    n[r] = row.impressions;
    k[r] = row.takes;
  });
  rowStart[rows.length] = terms.length;

  const size = index.size;
  const keys = [...index.keys()];
  const priorPrecision = new Float64Array(size);
  const prior = new Float64Array(size);
  const mean = new Float64Array(size);
  const spread = options.previous?.spread ?? { ...PRIOR_SD };
  keys.forEach((key, i) => {
    priorPrecision[i] = 1 / spread[kindOf(key)] ** 2;
    prior[i] = priorMean(key, shopPrior);
    const before = options.previous?.index.get(key);
    mean[i] = before === undefined ? prior[i]! : options.previous!.mean[before]!;
  });

  // Rows of each term (compressed columns).
  const counts = new Int32Array(size + 1);
  for (const term of terms) counts[term + 1]!++;
  for (let i = 0; i < size; i++) counts[i + 1]! += counts[i]!;
  const columnRows = new Int32Array(terms.length);
  const fill = counts.slice(0, size);
  for (let r = 0; r < rows.length; r++) {
    for (let t = rowStart[r]!; t < rowStart[r + 1]!; t++) columnRows[fill[terms[t]!]!++] = r;
  }
  const weight = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    for (let c = counts[i]!; c < counts[i + 1]!; c++) weight[i]! += n[columnRows[c]!]!;
  }

  const eta = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    let sum = 0;
    for (let t = rowStart[r]!; t < rowStart[r + 1]!; t++) sum += mean[terms[t]!]!;
    eta[r] = sum;
  }
  const precision = new Float64Array(size);
  const wanted = options.passes ?? (options.previous ? WARM_PASSES : COLD_PASSES);
  const passes = Math.max(Math.min(wanted, Math.floor(MAX_FIT_WORK / Math.max(terms.length, 1))), 1);
  for (let pass = 0; pass < passes; pass++) {
    let largest = 0;
    for (let i = 0; i < size; i++) {
      let gradient = priorPrecision[i]! * (mean[i]! - prior[i]!);
      let curvature = priorPrecision[i]!;
      for (let c = counts[i]!; c < counts[i + 1]!; c++) {
        const r = columnRows[c]!;
        const p = sigmoid(eta[r]!);
        gradient += n[r]! * p - k[r]!;
        curvature += n[r]! * p * (1 - p);
      }
      precision[i] = curvature;
      const delta = Math.max(-MAX_NEWTON_STEP, Math.min(MAX_NEWTON_STEP, -gradient / curvature));
      if (delta === 0) continue;
      mean[i]! += delta;
      for (let c = counts[i]!; c < counts[i + 1]!; c++) eta[columnRows[c]!]! += delta;
      largest = Math.max(largest, Math.abs(delta));
    }
    if (largest < CONVERGED) break;
  }
  return {
    index,
    mean,
    precision,
    weight,
    spread: nextSpread(keys, mean, precision, spread),
    shopPrior,
    priceCuts,
    steps,
    impressions,
    takes,
  };
}

/** Each kind's spread moved toward its terms' fitted spread (mean square plus posterior variance). */
function nextSpread(
  keys: readonly string[],
  mean: Float64Array,
  precision: Float64Array,
  spread: PriorSpread,
): PriorSpread {
  const sums = new Map<Kind, { squares: number; terms: number }>();
  keys.forEach((key, i) => {
    const kind = kindOf(key);
    if (kind === "shop") return;
    const sum = sums.get(kind) ?? { squares: 0, terms: 0 };
    sum.squares += mean[i]! ** 2 + 1 / precision[i]!;
    sum.terms++;
    sums.set(kind, sum);
  });
  const next = { ...spread };
  for (const [kind, { squares, terms }] of sums) {
    const variance = (SPREAD_PRIOR_TERMS * PRIOR_SD[kind] ** 2 + squares) / (SPREAD_PRIOR_TERMS + terms);
    next[kind] = Math.min(Math.max(Math.sqrt(variance), SPREAD_BOUNDS[0]), SPREAD_BOUNDS[1]);
  }
  return next;
}

/** How one offer's take probability is computed for one shopper, term by term. */
export interface TakeEstimator {
  /** take probability at each percent, with the posterior means, or a posterior draw given an rng */
  takeProbabilities(percents: readonly number[], rng?: Rng): number[];
  /** impressions behind the offer's own terms */
  offerImpressions: number;
}

export function takeEstimator(
  model: DiscountModel,
  offer: OfferFeatures,
  context: ShopperContext,
): TakeEstimator {
  const quartile = priceQuartile(offer.price, model.priceCuts);
  const term = (key: string) => {
    const kind = kindOf(key);
    // An offer's own terms are not drawn: most offers are shown too rarely for trying levels on them
    // to teach much, while the shared terms learn from every offer.
    const drawn = kind !== "offer" && kind !== "stepOffer";
    const i = model.index.get(key);
    if (i === undefined) return { mean: priorMean(key, model.shopPrior), sd: drawn ? model.spread[kind] : 0 };
    return { mean: model.mean[i]!, sd: drawn ? 1 / Math.sqrt(model.precision[i]!) : 0 };
  };
  const base = baseKeys(offer, context).map(term);
  const value = (t: { mean: number; sd: number }, rng?: Rng) =>
    rng && t.sd > 0 ? t.mean + t.sd * sampleNormal(rng) : t.mean;
  const offerIndex = model.index.get(`o:${part(offer.id)}`);
  return {
    offerImpressions: offerIndex === undefined ? 0 : model.weight[offerIndex]!,
    takeProbabilities(percents, rng) {
      let baseSum = 0;
      for (const t of base) baseSum += value(t, rng);
      // One draw of each term, shared by every level, so the levels stay consistent.
      const drawn = new Map<string, number>();
      return percents.map((percent) => {
        let eta = baseSum;
        for (const key of doseTerms(percent, model.steps, offer, context, quartile)) {
          let found = drawn.get(key);
          if (found === undefined) {
            found = value(term(key), rng);
            drawn.set(key, found);
          }
          eta += found;
        }
        return sigmoid(eta);
      });
    },
  };
}
