import type { History } from "../data/history";
import type { Parts } from "../train/hybrid-parts";
import { SIGNALS } from "../train/hybrid-tuning";
import type { Query } from "../train/recommender";
import { type Support, Touched } from "../train/support";

/**
 * The ranker's features per candidate: every signal scaled to the query's maximum, each signal's
 * maximum before scaling (how strong the evidence is at all), the weighted sum and its rank, the
 * checkout's shape, facts about the product (repeat rate, orders, recent sales, the shopper's own
 * purchases of it), then the LINK_FEATURES. Training and serving both build them here.
 */
export const ITEM_FEATURES_AT = 2 * SIGNALS.length + 5;
export const LINK_FEATURES_AT = ITEM_FEATURES_AT + 4;
/**
 * How the candidate hangs together with the cart (co-purchase: strongest link, share of the cart
 * listing it, best place in a list; content: strongest link, share), whether a validation newcomer
 * is a returning customer with the history hidden, what newcomers buy (first-order sales lately, the
 * product's share of first orders), the shopper's own buying of it (share of their orders, days
 * since, their order count), which way its co-purchase with the cart leans (P(j | i) strongest and
 * mean over the cart, P(i | j), the pair's order count) and whether the cart looks like a first order
 * (its products' mean share of first orders and mean order count).
 */
export const LINK_FEATURES = 19;
export const FEATURES = LINK_FEATURES_AT + LINK_FEATURES;

/** How every product links to the cart through the co-purchase and content lists. */
export interface Links {
  coMax: Float32Array;
  coCount: Float32Array;
  coPlace: Float32Array;
  contentMax: Float32Array;
  contentCount: Float32Array;
  contentPlace: Float32Array;
  /** the products each kind of link was last set for, which the next cart resets */
  coTouched: Touched;
  contentTouched: Touched;
}

export function emptyLinks(n: number): Links {
  return {
    coMax: new Float32Array(n),
    coCount: new Float32Array(n),
    coPlace: new Float32Array(n),
    contentMax: new Float32Array(n),
    contentCount: new Float32Array(n),
    contentPlace: new Float32Array(n),
    coTouched: new Touched(),
    contentTouched: new Touched(),
  };
}

/**
 * Per product, its co-purchase with the last cart (computeConditional): P(j | i) strongest and
 * summed, P(i | j), the pair's order count, with `touched` listing the products set; and the cart's
 * mean share of first orders and mean log order count.
 */
export interface Conditional {
  max: Float32Array;
  sum: Float32Array;
  reverse: Float32Array;
  pairOrders: Float32Array;
  touched: Touched;
  cartFirstShare: number;
  cartPopularity: number;
  /** per product of the shopper's past orders: those orders' weight times their overlap with the cart */
  personal: Float32Array;
  /** the same, as a share of the weight of the shopper's orders that overlap the cart */
  personalShare: Float32Array;
  personalTouched: Touched;
}

export function emptyConditional(n: number): Conditional {
  return {
    max: new Float32Array(n),
    sum: new Float32Array(n),
    reverse: new Float32Array(n),
    pairOrders: new Float32Array(n),
    touched: new Touched().reset(n),
    cartFirstShare: 0,
    cartPopularity: 0,
    personal: new Float32Array(n),
    personalShare: new Float32Array(n),
    personalTouched: new Touched().reset(n),
  };
}

/** Fills the links and the conditional co-purchase of every product with the query's cart. */
export function computeLinks(parts: Parts, { cart, history }: Query, links: Links, s: Conditional): void {
  parts.coPurchase.cartLinks(cart, links.coMax, links.coCount, links.coPlace, links.coTouched);
  parts.content.cartLinks(
    cart,
    links.contentMax,
    links.contentCount,
    links.contentPlace,
    links.contentTouched,
  );
  computeConditional(parts, cart, s);
  computePersonal(history, cart, s);
}

/**
 * What the shopper bought together with the cart's products before: each past order counts by its
 * weight and by how much of the cart it holds, so a wholesaler's standing order comes back whole
 * when its first products are in the cart, where buy-again alone ranks every past product alike.
 */
export function computePersonal(history: History, cart: readonly number[], s: Conditional): void {
  const { personal, personalShare, personalTouched: touched } = s;
  for (let t = 0; t < touched.size; t++) {
    personal[touched.list[t]!] = 0;
    personalShare[touched.list[t]!] = 0;
  }
  touched.reset(personal.length);
  let total = 0;
  for (const { weight, items } of history.baskets ?? []) {
    let overlap = 0;
    for (const item of items) if (cart.includes(item)) overlap++;
    if (overlap === 0) continue;
    total += weight;
    const strength = (weight * overlap) / Math.sqrt(items.length);
    for (const item of items) {
      if (item >= personal.length) continue;
      touched.add(item);
      personal[item]! += strength;
      personalShare[item]! += weight;
    }
  }
  if (total > 0) for (let t = 0; t < touched.size; t++) personalShare[touched.list[t]!]! /= total;
}

/**
 * Co-purchase counts c_ij between the cart and the products its lists name: cosine hides which way
 * a pair leans, while P(j | i) = c_ij / n_i says how often buyers of a cart product add j, and
 * P(i | j) = c_ij / n_j how often j comes with it. Only the listed products are touched, never the
 * whole catalog, so serving stays per-candidate.
 */
function computeConditional(parts: Parts, cart: readonly number[], s: Conditional): void {
  for (let t = 0; t < s.touched.size; t++) {
    const j = s.touched.list[t]!;
    s.max[j] = 0;
    s.sum[j] = 0;
    s.reverse[j] = 0;
    s.pairOrders[j] = 0;
  }
  s.touched.reset(s.max.length);
  const { coPurchase, items } = parts;
  const orders = (p: number) => Math.expm1(items.logOrders[p] ?? 0);
  for (const i of cart) {
    const ni = orders(i);
    if (ni <= 0) continue;
    coPurchase.forEachCount(i, orders, (j, c) => {
      const nj = orders(j);
      if (nj <= 0 || c <= 0) return;
      s.touched.add(j);
      s.max[j] = Math.max(s.max[j]!, c / ni);
      s.sum[j]! += c / ni;
      s.reverse[j] = Math.max(s.reverse[j]!, c / nj);
      s.pairOrders[j] = Math.max(s.pairOrders[j]!, c);
    });
  }
  // The cart's own shape, the same for every candidate: newcomers' carts differ from returning
  // shoppers' in what they start from.
  let firstShare = 0;
  let popularity = 0;
  for (const c of cart) {
    firstShare += items.firstShare[c] ?? 0;
    popularity += items.logOrders[c] ?? 0;
  }
  s.cartFirstShare = firstShare / Math.max(1, cart.length);
  s.cartPopularity = popularity / Math.max(1, cart.length);
}

/** The features after the signals: their scales, the weighted sum and its rank, the checkout's shape. */
export function fillQueryFeatures(
  query: Query,
  scales: Float32Array,
  linear: number,
  rank: number,
  row: Float32Array,
): void {
  row.set(scales, SIGNALS.length);
  const at = 2 * SIGNALS.length;
  row[at] = linear;
  row[at + 1] = rank;
  row[at + 2] = query.history.items.length > 0 ? 1 : 0;
  row[at + 3] = Math.log1p(query.cart.length);
  row[at + 4] = Math.log1p(query.history.items.length);
}

/** Facts about the product and the shopper's own purchases of it. */
export function fillItemFeatures(parts: Parts, history: History, product: number, row: Float32Array): void {
  const { items } = parts;
  const at = ITEM_FEATURES_AT;
  row[at] = items.repeatRate[product] ?? 0;
  row[at + 1] = items.logOrders[product] ?? 0;
  row[at + 2] = items.recent[product] ?? 0;
  let bought = 0;
  const { items: purchased, weights } = history;
  for (let h = 0; h < purchased.length; h++) if (purchased[h] === product) bought = weights[h]!;
  row[at + 3] = Math.log1p(bought);
}

/** The LINK_FEATURES of one candidate, from the last computeLinks and the shopper's history. */
export function fillLinkFeatures(
  parts: Parts,
  { query, links: l, conditional: s }: { query: Query; links: Links; conditional: Conditional },
  product: number,
  stripped: boolean,
  row: Float32Array,
  at: number,
): void {
  const cart = Math.max(1, query.cart.length);
  row[at] = l.coMax[product]!;
  row[at + 1] = l.coCount[product]! / cart;
  row[at + 2] = Math.log1p(l.coPlace[product]!);
  row[at + 3] = l.contentMax[product]!;
  row[at + 4] = l.contentCount[product]! / cart;
  row[at + 5] = stripped ? 1 : 0;
  row[at + 6] = parts.items.firstRecent[product] ?? 0;
  row[at + 7] = parts.items.firstShare[product] ?? 0;
  const { items, counts, ages } = query.history;
  let count = 0;
  let age = -1;
  for (let h = 0; h < items.length; h++) {
    if (items[h] !== product) continue;
    count = counts?.[h] ?? 0;
    age = ages?.[h] ?? -1;
  }
  const orders = query.history.orders ?? 0;
  row[at + 8] = orders > 0 ? count / orders : 0;
  row[at + 9] = age < 0 ? -1 : Math.log1p(age);
  row[at + 10] = Math.log1p(orders);
  row[at + 11] = s.max[product]!;
  row[at + 12] = s.sum[product]! / cart;
  row[at + 13] = s.reverse[product]!;
  row[at + 14] = Math.log1p(s.pairOrders[product]!);
  row[at + 15] = s.cartFirstShare;
  row[at + 16] = s.cartPopularity;
  row[at + 17] = s.personal[product] ?? 0;
  row[at + 18] = s.personalShare[product] ?? 0;
}

/** The support of a signal that is zero for every checkout. */
export const NOWHERE: Support = { list: [], size: 0 };
