import { createRng, type Rng } from "../data/random";
import { sampleNormal } from "../policy/sampling";
import { buildCalendar, categoryBoost, HOUR_SUMS, productBoost } from "./synthetic-calendar";
import { CATEGORIES, HOLIDAY, SEASONS } from "./synthetic-catalog";
import { apportion, cumulative, drawIndex, streamSeed } from "./synthetic-draws";
import type { Catalog } from "./synthetic-products";
import type { ShopConfig, SyntheticLine, SyntheticOrder } from "./synthetic-shop";

// ---------------------------------------------------------------------------------------------
// Customers: a heavy-tailed activity level (most buy once or twice, a few every week or two) and one to
// three favourite categories. Some customers predate the window; the rest are acquired over it, each
// with a first order, in id order as in a real shop.

const ACTIVITY_SPREAD = 1.3;
/** caps the most loyal customer at roughly an order every few days */
const ACTIVITY_CAP = 25;
const FOUNDING_SHARE = 0.3;
const TASTE_SLOTS = 3;

export interface CustomerPool {
  count: number;
  /** customers known before the window opens */
  founders: number;
  /** cumulative activity in id order, so the customers acquired so far are a prefix */
  activity: Float64Array;
  /** TASTE_SLOTS favourite categories per customer, -1 for an empty slot */
  taste: Int8Array;
  tasteCount: Uint8Array;
  loyalty: Float32Array;
}

export function buildCustomers(config: ShopConfig, catalog: Catalog, rng: Rng): CustomerPool {
  const count = config.customers;
  const founders = Math.floor(count * FOUNDING_SHARE);
  const shelves = CATEGORIES.flatMap((c, i) => (c.taste && catalog.byCategory[i]!.length > 0 ? [i] : []));
  const weights = new Float64Array(count);
  const taste = new Int8Array(count * TASTE_SLOTS).fill(-1);
  const tasteCount = new Uint8Array(count);
  const loyalty = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    weights[i] = Math.min(ACTIVITY_CAP, Math.exp(ACTIVITY_SPREAD * sampleNormal(rng)));
    const r = rng();
    const wanted = Math.min(shelves.length, r < 0.45 ? 1 : r < 0.85 ? 2 : 3);
    const left = shelves.map((c) => CATEGORIES[c]!.demand);
    for (let t = 0; t < wanted; t++) {
      const picked = drawIndex(rng, cumulative(left));
      left[picked] = 0;
      taste[i * TASTE_SLOTS + t] = shelves[picked]!;
    }
    tasteCount[i] = wanted;
    loyalty[i] = 0.55 + 0.35 * rng();
  }
  return { count, founders, activity: cumulative(weights), taste, tasteCount, loyalty };
}

// ---------------------------------------------------------------------------------------------
// Orders, one day at a time and in time order, so a year of a large shop streams in constant memory
// (beyond per-customer state).

const MAX_LINES = 8;
/** lines per order 1..8, median 3 */
const LINE_COUNT_SUMS = cumulative([18, 24, 22, 14, 9, 6, 4, 3]);
const STAPLE_SLOTS = 4;

export function* generateOrders(
  config: ShopConfig,
  catalog: Catalog,
  pool: CustomerPool,
): Generator<SyntheticOrder> {
  const rng = createRng(streamSeed(config.seed, 3));
  const calendar = buildCalendar(config);
  const perDay = apportion(
    config.orders,
    calendar.map((d) => d.volume),
  );
  const shelfSums = SEASONS.map((season) =>
    cumulative(
      CATEGORIES.map((c, i) => (catalog.byCategory[i]!.length > 0 ? c.demand * categoryBoost(c, season) : 0)),
    ),
  );
  const productSums = SEASONS.map((season) =>
    catalog.byCategory.map((list) =>
      cumulative(list.map((p) => catalog.popularity[p]! * productBoost(catalog.season[p]!, season))),
    ),
  );
  const staples = new Staples(pool.count);
  const basket = new Basket();
  const pickShelf = (customer: number, season: number): number => {
    const loyalty =
      customer < 0 || pool.tasteCount[customer] === 0
        ? 0
        : pool.loyalty[customer]! * (season === HOLIDAY ? 0.6 : 1);
    if (rng() < loyalty) {
      return pool.taste[customer * TASTE_SLOTS + Math.floor(rng() * pool.tasteCount[customer]!)]!;
    }
    return drawIndex(rng, shelfSums[season]!);
  };

  let orderNumber = 0;
  let acquired = pool.founders;
  const customerOrders = config.orders * (1 - config.guestShare);
  for (let day = 0; day < calendar.length; day++) {
    const { prefix, season, sale } = calendar[day]!;
    const seconds = new Int32Array(perDay[day]!).map(
      () => drawIndex(rng, HOUR_SUMS) * 3600 + Math.floor(rng() * 3600),
    );
    seconds.sort();

    for (const second of seconds) {
      let customer = -1;
      if (pool.count > 0 && rng() >= config.guestShare) {
        // Acquire the remaining customers evenly over the remaining orders; otherwise one comes back.
        const waiting = pool.count - acquired;
        const ahead = customerOrders * (1 - orderNumber / config.orders);
        const isNew = waiting > 0 && (acquired === 0 || rng() * ahead < waiting);
        customer = isNew ? acquired++ : drawIndex(rng, pool.activity, acquired);
      }
      const target = drawIndex(rng, LINE_COUNT_SUMS) + 1;
      basket.clear();
      if (customer >= 0) {
        for (const product of staples.due(customer, day, catalog.cycleDays, rng)) {
          if (rng() < 0.8) basket.add(product);
        }
      }
      if (catalog.bundles.length > 0 && rng() < (season === HOLIDAY ? 0.08 : 0.04)) {
        for (const product of catalog.bundles[Math.floor(rng() * catalog.bundles.length)]!) {
          if (rng() < 0.85) basket.add(product);
        }
      }
      for (let attempt = 0; basket.size < target && attempt < 4 * MAX_LINES; attempt++) {
        const shelf = pickShelf(customer, season);
        const product = catalog.byCategory[shelf]![drawIndex(rng, productSums[season]![shelf]!)]!;
        if (!basket.add(product)) continue;
        for (const { to, rate } of catalog.complements[product]!) {
          if (rng() < rate) basket.add(to);
        }
      }

      const lines: SyntheticLine[] = [];
      for (const product of basket.items()) {
        const consumable = catalog.cycleDays[product]! > 0;
        if (customer >= 0 && consumable) staples.remember(customer, product, day);
        lines.push({
          productId: catalog.products[product]!.id,
          quantity: drawQuantity(rng, consumable),
          unitPrice: discounted(catalog.cents[product]!, rng, sale),
        });
      }
      orderNumber++;
      yield {
        id: `S${100_000 + orderNumber}`,
        customerId: customer < 0 ? null : `C${100_001 + customer}`,
        orderedAt: `${prefix}${clock(second)}Z`,
        lines,
      };
    }
  }
}

/** Up to MAX_LINES distinct products. */
class Basket {
  private readonly slots = new Int32Array(MAX_LINES);
  size = 0;

  clear() {
    this.size = 0;
  }

  add(product: number): boolean {
    if (this.size >= MAX_LINES || this.items().includes(product)) return false;
    this.slots[this.size++] = product;
    return true;
  }

  items(): Int32Array {
    return this.slots.subarray(0, this.size);
  }
}

/** The consumables each customer last bought and when, re-bought once a pack has about run out. */
class Staples {
  private readonly product: Int32Array;
  private readonly day: Int32Array;

  constructor(customers: number) {
    this.product = new Int32Array(customers * STAPLE_SLOTS).fill(-1);
    this.day = new Int32Array(customers * STAPLE_SLOTS);
  }

  due(customer: number, today: number, cycleDays: Float64Array, rng: Rng): number[] {
    const due: number[] = [];
    for (let s = customer * STAPLE_SLOTS; s < (customer + 1) * STAPLE_SLOTS; s++) {
      const product = this.product[s]!;
      if (product >= 0 && today - this.day[s]! >= cycleDays[product]! * (0.8 + 0.4 * rng()))
        due.push(product);
    }
    return due;
  }

  /** Refreshes the product's slot, or takes an empty one, or replaces the longest-unbought staple. */
  remember(customer: number, product: number, today: number) {
    const first = customer * STAPLE_SLOTS;
    let slot = first;
    for (let s = first; s < first + STAPLE_SLOTS; s++) {
      if (this.product[s] === product || this.product[s] === -1) {
        slot = s;
        break;
      }
      if (this.day[s]! < this.day[slot]!) slot = s;
    }
    this.product[slot] = product;
    this.day[slot] = today;
  }
}

function drawQuantity(rng: Rng, consumable: boolean): number {
  const r = rng();
  if (consumable) return r < 0.72 ? 1 : r < 0.92 ? 2 : 3;
  return r < 0.93 ? 1 : r < 0.99 ? 2 : 3;
}

/** List price, now and then 10-20% off; far more often over the Black Friday weekend. */
function discounted(cents: number, rng: Rng, sale: boolean): number {
  if (rng() >= (sale ? 0.35 : 0.05)) return cents / 100;
  const off = [0.1, 0.15, 0.2][Math.floor(rng() * 3)]!;
  return Math.round(cents * (1 - off)) / 100;
}

function clock(second: number): string {
  const hh = Math.floor(second / 3600);
  const mm = Math.floor((second % 3600) / 60);
  const ss = second % 60;
  return `${hh < 10 ? "0" : ""}${hh}:${mm < 10 ? "0" : ""}${mm}:${ss < 10 ? "0" : ""}${ss}`;
}
