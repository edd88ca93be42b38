import { createRng, type Rng } from "../data/random";
import { type DiscountHistory, discountHistoryOf } from "../policy/discount-history";
import type { DiscountSettings } from "../policy/discount-policy";
import { sampleNormal } from "../policy/sampling";

/**
 * A harder shop for the discount policy: hundreds of offers whose exposure has a long tail, costs
 * Shopify knows for only part of the catalog, a monthly discount budget, and shoppers of four hidden
 * kinds whose response to a discount differs. The policy never sees a shopper's kind, only what a
 * server knows: their segment and how often their past orders carried a discount, and both only
 * hint at it (every kind shops in every segment).
 */

export const SHOPPER_KINDS = ["indifferent", "price-sensitive", "saturating", "deterred"] as const;
export type ShopperKind = (typeof SHOPPER_KINDS)[number];

export const LONG_TAIL_SEGMENTS = ["guest", "first-order", "returning", "vip", "lapsing", "lapsed"] as const;
export type LongTailSegment = (typeof LONG_TAIL_SEGMENTS)[number];

export interface LongTailOffer {
  id: string;
  category: string;
  price: number;
  /** the true cost */
  cost: number;
  /** whether Shopify has the cost; otherwise the policy assumes the settings' percentage */
  costKnown: boolean;
  /** logit of the take probability without a discount, for a shopper with no shift of their own */
  baseLogit: number;
  /** how strongly this offer's takers respond to a discount (1 = the kind's usual response) */
  sensitivity: number;
}

export interface LongTailShopper {
  kind: ShopperKind;
  segment: LongTailSegment;
  discountHistory: DiscountHistory | null;
}

export interface LongTailShop {
  offers: readonly LongTailOffer[];
  /** cumulative exposure share of the offers, in order: the ranker shows the first ones most */
  exposure: Float64Array;
  settings: DiscountSettings;
  levels: readonly number[];
  /** discount budget per month, in the shop's currency */
  monthlyBudget: number;
  checkoutsPerMonth: number;
}

export const LONG_TAIL_LEVELS: readonly number[] = [0, 5, 10, 15, 20, 25];
const OFFERS = 400;
const CATEGORIES = 8;
/** Zipf exponent of the offers' exposure. */
const EXPOSURE_EXPONENT = 1;
const KNOWN_COST_SHARE = 0.6;

/** Each kind's lift of the take probability's logit at `percent` off, before the offer's sensitivity. */
export function kindResponse(kind: ShopperKind, percent: number): number {
  switch (kind) {
    case "indifferent":
      return 0;
    case "price-sensitive":
      return 0.045 * percent;
    case "saturating":
      return 0.5 * (Math.min(percent, 10) / 10);
    case "deterred":
      // A small discount helps; a deep one looks too good to be true.
      return percent <= 10 ? 0.03 * percent : 0.3 - 0.12 * (percent - 10);
  }
}

/** Each kind's own shift of the take probability, whatever the discount. */
const KIND_SHIFT: Record<ShopperKind, number> = {
  indifferent: 0.3,
  "price-sensitive": -0.5,
  saturating: 0,
  deterred: 0,
};

const SEGMENT_SHARE: Record<LongTailSegment, number> = {
  guest: 0.3,
  "first-order": 0.15,
  returning: 0.25,
  vip: 0.08,
  lapsing: 0.12,
  lapsed: 0.1,
};

/** The kinds' shares in each segment: indifferent, price-sensitive, saturating, deterred. */
const KIND_MIX: Record<LongTailSegment, readonly number[]> = {
  guest: [0.25, 0.4, 0.2, 0.15],
  "first-order": [0.25, 0.35, 0.25, 0.15],
  returning: [0.4, 0.25, 0.2, 0.15],
  vip: [0.6, 0.1, 0.15, 0.15],
  lapsing: [0.3, 0.35, 0.2, 0.15],
  lapsed: [0.2, 0.5, 0.2, 0.1],
};

/** Chance that one of a shopper's past orders carried a discount, per kind. */
const PAST_DISCOUNT_RATE: Record<ShopperKind, number> = {
  indifferent: 0.05,
  "price-sensitive": 0.6,
  saturating: 0.35,
  deterred: 0.15,
};

function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let product = rng();
  while (product > limit) {
    k++;
    product *= rng();
  }
  return k;
}

function pick<T>(rng: Rng, items: readonly T[], shares: readonly number[]): T {
  let u = rng();
  for (let i = 0; i < items.length; i++) {
    u -= shares[i]!;
    if (u < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/** One checkout's shopper. */
export function drawShopper(rng: Rng): LongTailShopper {
  const segment = pick(rng, LONG_TAIL_SEGMENTS, Object.values(SEGMENT_SHARE));
  const kind = pick(rng, SHOPPER_KINDS, KIND_MIX[segment]);
  if (segment === "guest" || segment === "first-order") return { kind, segment, discountHistory: null };
  const orders = 1 + poisson(rng, segment === "vip" ? 5 : 2);
  let discounted = 0;
  for (let i = 0; i < orders; i++) if (rng() < PAST_DISCOUNT_RATE[kind]) discounted++;
  return { kind, segment, discountHistory: discountHistoryOf({ known: orders, discounted }) };
}

/** The offer one checkout is shown, by the long-tailed exposure. */
export function drawOffer(shop: LongTailShop, rng: Rng): LongTailOffer {
  const u = rng();
  let low = 0;
  let high = shop.exposure.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (shop.exposure[mid]! > u) high = mid;
    else low = mid + 1;
  }
  return shop.offers[low]!;
}

/** The true take probability of an offer for a shopper of a kind at `percent` off. */
export function trueTake(offer: LongTailOffer, kind: ShopperKind, percent: number): number {
  const logit = offer.baseLogit + KIND_SHIFT[kind] + offer.sensitivity * kindResponse(kind, percent);
  return 1 / (1 + Math.exp(-logit));
}

export function trueMargin(offer: LongTailOffer, percent: number): number {
  return offer.price * (1 - percent / 100) - offer.cost;
}

/** The shop of one seed: its catalog and exposure. Shoppers are drawn by the run, from their own stream. */
export function longTailShop(seed: number, budgetPer1000 = 60): LongTailShop {
  const rng = createRng(seed * 7919 + 17);
  const categories = Array.from({ length: CATEGORIES }, (_, i) => ({
    id: `category-${i + 1}`,
    shift: 0.4 * sampleNormal(rng),
    costShare: 0.3 + 0.3 * rng(),
  }));
  const offers: LongTailOffer[] = Array.from({ length: OFFERS }, (_, i) => {
    const category = categories[Math.floor(rng() * CATEGORIES)]!;
    const price = Math.round(35 * Math.exp(0.7 * sampleNormal(rng)) * 100) / 100 + 1;
    const costShare = Math.min(Math.max(category.costShare + 0.05 * sampleNormal(rng), 0.15), 0.8);
    return {
      id: `offer-${i + 1}`,
      category: category.id,
      price,
      cost: Math.round(price * costShare * 100) / 100,
      costKnown: rng() < KNOWN_COST_SHARE,
      baseLogit: Math.log(0.04 / 0.96) + category.shift + 0.7 * sampleNormal(rng),
      sensitivity: Math.exp(0.2 * Math.log(price / 35) + 0.2 * sampleNormal(rng)),
    };
  });
  const weights = offers.map((_, rank) => 1 / (rank + 1) ** EXPOSURE_EXPONENT);
  const total = weights.reduce((a, b) => a + b, 0);
  const exposure = new Float64Array(OFFERS);
  let cumulative = 0;
  weights.forEach((weight, i) => {
    cumulative += weight / total;
    exposure[i] = cumulative;
  });
  exposure[OFFERS - 1] = 1;
  const checkoutsPerMonth = 10_000;
  return {
    offers,
    exposure,
    levels: LONG_TAIL_LEVELS,
    settings: {
      enabled: true,
      maxPercent: 25,
      levels: LONG_TAIL_LEVELS,
      marginFloorPercent: 15,
      assumedCostPercent: 50,
      defaultPercent: 0,
    },
    monthlyBudget: (budgetPer1000 * checkoutsPerMonth) / 1000,
    checkoutsPerMonth,
  };
}
