import { createRng } from "../data/random";
import { DAY_MS } from "./synthetic-calendar";
import { streamSeed } from "./synthetic-draws";
import { buildCustomers, generateOrders } from "./synthetic-orders";
import { buildCatalog } from "./synthetic-products";
/**
 * A seeded synthetic coffee-and-tea shop for demos, tests and benchmarks. Its orders carry structure a
 * recommender can learn: Zipf-like popularity, designed complementary pairs, bundles, customer taste,
 * consumables re-bought on a cycle, a holiday peak and a weekly rhythm. Same options, same output.
 */

export interface SyntheticProduct {
  /** numeric, like a Shopify product id, so the demo shop's products can be offered and added to carts */
  id: string;
  /** the product's one variant, numeric like a Shopify variant id */
  variantId: string;
  title: string;
  category: string;
  vendor: string;
  tags: string[];
  /** 2 decimals */
  price: number;
}

export interface SyntheticLine {
  productId: string;
  quantity: number;
  unitPrice: number;
}

export interface SyntheticOrder {
  id: string;
  /** null = guest checkout */
  customerId: string | null;
  /** ISO 8601 UTC, e.g. 2026-03-04T10:15:00Z */
  orderedAt: string;
  lines: SyntheticLine[];
}

export interface SyntheticShopOptions {
  seed?: number;
  /** catalog size, default 300 */
  products?: number;
  /** customer pool, default 2000 */
  customers?: number;
  /** number of orders, default 12000 */
  orders?: number;
  /** ISO date of the first day, default "2025-11-01" */
  start?: string;
  /** length of the date window, default 365 */
  days?: number;
  /** share of guest checkouts, default 0.15 */
  guestShare?: number;
}

export interface SyntheticShop {
  products: SyntheticProduct[];
  /** designed complementary pairs (a -> b means b is often added to a cart holding a) */
  complements: Array<[string, string]>;
  /** designed bundles: small groups of product ids that tend to be bought together */
  bundles: string[][];
  orders(): Generator<SyntheticOrder>;
}

export const SYNTHETIC_CSV_HEADER =
  "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";

export function generateSyntheticShop(options: SyntheticShopOptions = {}): SyntheticShop {
  const config = resolveOptions(options);
  const catalog = buildCatalog(config.products, createRng(streamSeed(config.seed, 1)));
  const pool = buildCustomers(config, catalog, createRng(streamSeed(config.seed, 2)));
  return {
    products: catalog.products,
    complements: catalog.complements.flatMap((list, from) =>
      list.map(({ to }): [string, string] => [catalog.products[from]!.id, catalog.products[to]!.id]),
    ),
    bundles: catalog.bundles.map((members) => members.map((index) => catalog.products[index]!.id)),
    orders: () => generateOrders(config, catalog, pool),
  };
}

/** The shop's orders as CSV lines (no line terminators) in the shared order-lines format, header first. */
export function* syntheticShopCsv(shop: SyntheticShop): Generator<string> {
  yield SYNTHETIC_CSV_HEADER;
  const productTail = new Map(shop.products.map((p) => [p.id, [csvField(p.title), csvField(p.category)]]));
  for (const order of shop.orders()) {
    const head = `${csvField(order.id)},${csvField(order.customerId ?? "")}`;
    for (const line of order.lines) {
      const [title, category] = productTail.get(line.productId) ?? ["", ""];
      yield `${head},${csvField(line.productId)},${line.quantity},${line.unitPrice.toFixed(2)},${order.orderedAt},${title},${category}`;
    }
  }
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

// ---------------------------------------------------------------------------------------------
// Options

export interface ShopConfig {
  seed: number;
  products: number;
  customers: number;
  orders: number;
  startMs: number;
  days: number;
  guestShare: number;
}

function resolveOptions(options: SyntheticShopOptions): ShopConfig {
  const config = {
    seed: options.seed ?? 1,
    products: options.products ?? 300,
    customers: options.customers ?? 2000,
    orders: options.orders ?? 12_000,
    startMs: startOfDay(options.start ?? "2025-11-01"),
    days: options.days ?? 365,
    guestShare: options.guestShare ?? 0.15,
  };
  if (!Number.isInteger(config.seed)) throw new RangeError("seed must be a whole number");
  atLeast("products", config.products, 1);
  atLeast("customers", config.customers, 0);
  atLeast("orders", config.orders, 0);
  atLeast("days", config.days, 1);
  if (Number.isNaN(config.startMs)) throw new RangeError("start must be an ISO date (YYYY-MM-DD)");
  if (!(config.guestShare >= 0 && config.guestShare <= 1)) {
    throw new RangeError("guestShare must be in [0, 1]");
  }
  return config;
}

function atLeast(name: string, value: number, min: number) {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number >= ${min}`);
  }
}

/** Midnight UTC of an ISO date ("2025-11-01") or of the day of an ISO date-time; NaN when invalid. */
function startOfDay(iso: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}
