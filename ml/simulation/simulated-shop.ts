import type { DiscountSettings } from "../policy/discount-policy";

/**
 * A shop whose shoppers' true take probabilities, per offer and per discount level, are known, so the
 * offer and discount policies can be run online against the truth. Offers differ the way real ones
 * do: some are taken anyway, some only with a discount, some hardly ever; and the ranker's most
 * relevant offer is not always the one that earns most.
 */

export interface SimProduct {
  id: string;
  title: string;
  price: number;
  cost: number;
}

export interface SimCandidate {
  product: string;
  /** the ranker's score for this segment's checkouts */
  relevance: number;
  /** true take probability at each of SIM_LEVELS */
  take: readonly number[];
}

export interface SimSegment {
  id: string;
  /** share of checkouts */
  share: number;
  candidates: readonly SimCandidate[];
}

export interface SimShop {
  products: ReadonlyMap<string, SimProduct>;
  segments: readonly SimSegment[];
  settings: DiscountSettings;
}

export const SIM_LEVELS: readonly number[] = [0, 5, 10, 15, 20, 25];

const PRODUCTS: SimProduct[] = [
  { id: "cable", title: "USB-C cable", price: 20, cost: 6 },
  { id: "case", title: "Phone case", price: 40, cost: 14 },
  { id: "protector", title: "Screen protector", price: 15, cost: 3 },
  { id: "headphones", title: "Headphones", price: 120, cost: 80 },
  { id: "charger", title: "Wall charger", price: 35, cost: 15 },
  { id: "gift-wrap", title: "Gift wrap", price: 5, cost: 1 },
  { id: "mouse", title: "Wireless mouse", price: 30, cost: 10 },
  { id: "sleeve", title: "Laptop sleeve", price: 45, cost: 20 },
  { id: "hub", title: "USB hub", price: 25, cost: 12 },
  { id: "sampler", title: "Accessory sampler", price: 12, cost: 3 },
  { id: "tote", title: "Tote bag", price: 25, cost: 8 },
];

// Take probability at 0, 5, 10, 15, 20 and 25% off.
const TAKEN_ANYWAY = [0.2, 0.205, 0.21, 0.215, 0.22, 0.225];
const DISCOUNT_ONLY = [0.01, 0.02, 0.12, 0.17, 0.18, 0.185];
const HARDLY_EVER = [0.003, 0.003, 0.004, 0.004, 0.005, 0.005];

const SEGMENTS: SimSegment[] = [
  {
    // Best: the case at 15% off (0.17 × 20.00 = 3.40), over the cable without a discount (2.80).
    id: "phone carts",
    share: 0.45,
    candidates: [
      { product: "cable", relevance: 1, take: TAKEN_ANYWAY },
      { product: "case", relevance: 0.9, take: DISCOUNT_ONLY },
      { product: "protector", relevance: 0.8, take: [0.08, 0.09, 0.1, 0.11, 0.12, 0.13] },
      { product: "headphones", relevance: 0.6, take: HARDLY_EVER },
      { product: "charger", relevance: 0.55, take: [0.03, 0.035, 0.04, 0.05, 0.06, 0.07] },
      // Irrelevant to these carts: never eligible, however often it might be taken.
      { product: "gift-wrap", relevance: 0.2, take: [0.3, 0.3, 0.3, 0.3, 0.3, 0.3] },
    ],
  },
  {
    // Best: the mouse without a discount (0.25 × 20.00 = 5.00); a discount only gives margin away.
    id: "laptop carts",
    share: 0.35,
    candidates: [
      { product: "mouse", relevance: 1, take: [0.25, 0.255, 0.26, 0.265, 0.27, 0.275] },
      { product: "sleeve", relevance: 0.85, take: [0.02, 0.05, 0.1, 0.14, 0.16, 0.17] },
      { product: "hub", relevance: 0.7, take: [0.06, 0.07, 0.08, 0.09, 0.1, 0.11] },
      { product: "headphones", relevance: 0.6, take: HARDLY_EVER },
    ],
  },
  {
    // Best: the ranker's third choice, the case at 15% off (0.095 × 20.00 = 1.90).
    id: "first-time shoppers",
    share: 0.2,
    candidates: [
      { product: "sampler", relevance: 1, take: [0.05, 0.08, 0.11, 0.13, 0.14, 0.145] },
      { product: "tote", relevance: 0.9, take: [0.04, 0.042, 0.044, 0.046, 0.048, 0.05] },
      { product: "case", relevance: 0.7, take: [0.005, 0.01, 0.06, 0.095, 0.1, 0.105] },
      { product: "headphones", relevance: 0.6, take: HARDLY_EVER },
    ],
  },
];

export function simulatedShop(): SimShop {
  return {
    products: new Map(PRODUCTS.map((product) => [product.id, product])),
    segments: SEGMENTS,
    settings: {
      enabled: true,
      maxPercent: 25,
      levels: SIM_LEVELS,
      marginFloorPercent: 15,
      assumedCostPercent: 50,
      defaultPercent: 0,
    },
  };
}

/** Margin of one sale at `percent` off. */
export function saleMargin(product: SimProduct, percent: number): number {
  return product.price * (1 - percent / 100) - product.cost;
}
