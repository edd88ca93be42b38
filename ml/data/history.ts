import { type Dataset, lastOrderTime, numOrders, orderProducts } from "./dataset";

const DAY_MS = 86_400_000;

/** How long a purchase keeps half its weight in a shopper's history. */
export const HISTORY_HALF_LIFE_DAYS = 120;

/**
 * What a shopper bought: distinct products with recency-decayed purchase counts. Every model reads a
 * shopper through this, never through a customer id, so the same code serves an evaluation (history
 * from the training orders) and a live checkout (history read from the shop's orders at request
 * time, which is how a new order counts at once and an erased customer is gone at once).
 */
export interface History {
  items: Int32Array;
  weights: Float32Array;
  /** purchases of each product, not decayed (absent from histories built by hand) */
  counts?: Float32Array;
  /** days since each product's last purchase, 0 when times are unknown */
  ages?: Float32Array;
  /** the shopper's orders: distinct purchase times (each purchase its own when times are unknown) */
  orders?: number;
  /** the shopper's dated orders, each with its decayed weight (absent from histories built by hand) */
  baskets?: readonly Basket[];
}

/** One past order of a shopper: its distinct products and its weight, decayed as purchases are. */
export interface Basket {
  weight: number;
  items: Int32Array;
}

export const NO_HISTORY: History = {
  items: new Int32Array(0),
  weights: new Float32Array(0),
  counts: new Float32Array(0),
  ages: new Float32Array(0),
  orders: 0,
};

/** A past purchase: catalog index and epoch ms. */
export interface Purchase {
  product: number;
  at: number;
}

/** A history from purchases, each weighted 2^(-age / halfLife) at `now`; future ones count fully. */
export function historyOf(
  purchases: Iterable<Purchase>,
  now: number,
  halfLifeDays = HISTORY_HALF_LIFE_DAYS,
): History {
  const totals = new Map<number, { weight: number; count: number; age: number }>();
  const times = new Map<number, { weight: number; items: Set<number> }>();
  let untimed = 0;
  for (const { product, at } of purchases) {
    if (product < 0) continue;
    const age = Math.max(0, now - at);
    const known = Number.isFinite(age);
    const weight = known ? 2 ** (-age / (halfLifeDays * DAY_MS)) : 1;
    if (Number.isFinite(at)) {
      const basket = times.get(at) ?? { weight, items: new Set<number>() };
      basket.items.add(product);
      times.set(at, basket);
    } else untimed++;
    const total = totals.get(product);
    const days = known ? age / DAY_MS : 0;
    if (total) {
      total.weight += weight;
      total.count += 1;
      total.age = Math.min(total.age, days);
    } else totals.set(product, { weight, count: 1, age: days });
  }
  const entries = [...totals.values()];
  return {
    items: Int32Array.from(totals.keys()),
    weights: Float32Array.from(entries, (e) => e.weight),
    counts: Float32Array.from(entries, (e) => e.count),
    ages: Float32Array.from(entries, (e) => e.age),
    orders: times.size + untimed,
    baskets: Array.from(times.values(), (b) => ({ weight: b.weight, items: Int32Array.from(b.items) })),
  };
}

/**
 * Every customer's history at the end of the data (undated data: every order counts fully), as a
 * lookup by customer index; unknown customers and guests get NO_HISTORY.
 */
export function customerHistories(
  data: Dataset,
  halfLifeDays = HISTORY_HALF_LIFE_DAYS,
): (customer: number) => History {
  const purchases = new Map<number, Purchase[]>();
  for (let o = 0; o < numOrders(data); o++) {
    const customer = data.orderCustomer[o]!;
    if (customer < 0) continue;
    let list = purchases.get(customer);
    if (!list) {
      list = [];
      purchases.set(customer, list);
    }
    const at = data.dated ? data.orderTime[o]! : Number.NaN;
    for (const product of orderProducts(data, o)) list.push({ product, at });
  }
  const now = data.dated ? lastOrderTime(data) : Number.NaN;
  const histories = new Map<number, History>();
  for (const [customer, list] of purchases) histories.set(customer, historyOf(list, now, halfLifeDays));
  return (customer) => histories.get(customer) ?? NO_HISTORY;
}
