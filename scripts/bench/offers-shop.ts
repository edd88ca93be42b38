/**
 * The offers bench's shop: a large synthetic shop stored the way a real one is (its catalog with
 * variants, prices and images as a product sync leaves it, then its order history through the CSV
 * import), and the checkout requests to replay against it. Imported by offers.ts once the
 * environment points at the scratch database.
 */
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import type { ProductSnapshot } from "~/lib/order-snapshot";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled } from "~/models/shops.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { createRng, csvTextOf, generateSyntheticShop, type SyntheticShop, syntheticShopCsv } from "~ml";

export interface BenchShopOptions {
  shopDomain: string;
  seed: number;
  products: number;
  customers: number;
  orders: number;
}

/** Shopify ids are numeric; the generator's may carry a letter prefix ("C100001"). */
function shopifyId(id: string): string {
  return id.replace(/^\D+/, "");
}

/** The generator's shop with Shopify-style numeric product and customer ids. */
function numericShop(options: BenchShopOptions): SyntheticShop {
  const { seed, products, customers, orders } = options;
  const shop = generateSyntheticShop({ seed, products, customers, orders });
  return {
    ...shop,
    products: shop.products.map((product) => ({ ...product, id: shopifyId(product.id) })),
    orders: function* () {
      for (const order of shop.orders()) {
        yield {
          ...order,
          customerId: order.customerId === null ? null : shopifyId(order.customerId),
          lines: order.lines.map((line) => ({ ...line, productId: shopifyId(line.productId) })),
        };
      }
    },
  };
}

/**
 * The order count that gives about `lines` order lines: the lines per order grow with the
 * customers' repeat purchases, so the generator is run once at a first guess to measure them.
 */
export function ordersForLines(options: Omit<BenchShopOptions, "orders" | "shopDomain">, lines: number) {
  const guess = Math.round(lines / 3.3);
  let counted = 0;
  for (const order of generateSyntheticShop({ ...options, orders: guess }).orders())
    counted += order.lines.length;
  return Math.round((guess * lines) / counted);
}

/** Variant ids: the product id and a digit, so they are unique across the shop. */
function variantId(productId: string, index: number): string {
  return `${productId}${index + 1}`;
}

/**
 * One to three variants per product (a size step up costs more), now and then one sold out or
 * with a compare-at price, and an image: what the offers service needs to show a product.
 */
function catalogSnapshot(shop: SyntheticShop): ProductSnapshot[] {
  return shop.products.map((product, i) => {
    const count = 1 + (i % 3);
    return {
      externalId: product.id,
      title: product.title,
      handle: product.title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      productType: product.category,
      vendor: product.vendor,
      tags: product.tags,
      price: product.price.toFixed(2),
      imageUrl: `https://cdn.example.com/products/${product.id}.jpg`,
      status: "ACTIVE",
      available: true,
      updatedAt: "2026-11-01T00:00:00Z",
      variants: Array.from({ length: count }, (_, v) => ({
        externalId: variantId(product.id, v),
        title: count === 1 ? null : `Size ${v + 1}`,
        sku: `SKU-${product.id}-${v + 1}`,
        price: (product.price * (1 + 0.6 * v)).toFixed(2),
        compareAtPrice: i % 10 === 0 ? (product.price * 1.2).toFixed(2) : null,
        available: !(v === 0 && count > 1 && i % 7 === 0),
      })),
    };
  });
}

/** Stores the catalog, then imports the order history through the app's CSV import. */
export async function seedBenchShop(options: BenchShopOptions) {
  const shop = numericShop(options);
  const { shop: record } = await markInstalled(db(), options.shopDomain);
  const catalog = catalogSnapshot(shop);
  for (let i = 0; i < catalog.length; i += 1000) {
    await upsertProductBatch(db(), {
      shopId: record.id,
      products: catalog.slice(i, i + 1000),
      replaceVariants: true,
    });
  }
  let reported = 0;
  const started = performance.now();
  const result = await importOrderCsv(db(), {
    shopDomain: options.shopDomain,
    csv: csvTextOf(syntheticShopCsv(shop)),
    batchLines: 20_000,
    onProgress: ({ lines }) => {
      if (lines - reported < 200_000) return;
      reported = lines;
      const perSecond = Math.round(lines / ((performance.now() - started) / 1000));
      console.error(`  imported ${lines} lines (${perSecond} lines/s)`);
    },
  });
  if (result.rejected.length > 0) throw new Error(`the import rejected ${result.rejected.length} lines`);
  return { ...result, catalog: catalog.length };
}

export interface CheckoutRequest {
  customerId: string | null;
  body: string;
}

/**
 * Checkout requests to replay: carts of one to three products taken from real orders of the shop
 * (so the cart's items go together as they do in checkouts), each with the product's first variant,
 * from guests or from known customers. Known customers are drawn from those who ordered, with
 * their Shopify ids; `known` says how many of their keys the database holds (it must be all).
 */
export async function checkoutRequests(
  options: BenchShopOptions & { count: number; customerShare: number },
): Promise<{ requests: CheckoutRequest[]; customers: number; known: number }> {
  const rng = createRng(options.seed + 1);
  const shopId = (await db().shop.findUniqueOrThrow({ where: { domain: options.shopDomain } })).id;
  const baskets = await db().$queryRaw<Array<{ lines: Array<{ productId: string; variantId: string }> }>>`
    SELECT (SELECT json_agg(json_build_object('productId', l."productId", 'variantId', v."externalId"))
            FROM "OrderLine" l
            JOIN "Product" p ON p."shopId" = ${shopId}::uuid AND p."externalId" = l."productId"
            JOIN LATERAL (SELECT "externalId" FROM "Variant" WHERE "productId" = p.id
                          ORDER BY "externalId" LIMIT 1) v ON true
            WHERE l."orderId" = o.id) AS lines
    FROM (SELECT id FROM "Order" WHERE "shopId" = ${shopId}::uuid
          ORDER BY random() LIMIT ${options.count}) o`;

  // The shop's customers as the generator made them: the same options give the same ids.
  const ordered = new Set<string>();
  for (const order of numericShop(options).orders()) if (order.customerId) ordered.add(order.customerId);
  const pool = [...ordered];
  const customers = Array.from(
    { length: Math.min(options.count, pool.length) },
    () => pool.splice(Math.floor(rng() * pool.length), 1)[0]!,
  );
  const keys = customers.map((id) => customerKey(options.shopDomain, id));
  const known = await db().order.findMany({
    where: { shopId, customerKey: { in: keys } },
    distinct: ["customerKey"],
    select: { customerKey: true },
  });

  const requests = baskets
    .filter((basket) => basket.lines?.length)
    .map(({ lines }, i): CheckoutRequest => {
      const size = Math.min(lines.length, 1 + Math.floor(rng() * 3));
      const cart = lines.slice(0, size).map((line) => ({
        productId: `gid://shopify/Product/${line.productId}`,
        variantId: `gid://shopify/ProductVariant/${line.variantId}`,
        quantity: 1,
      }));
      return {
        customerId: rng() < options.customerShare ? customers[i % customers.length]! : null,
        body: JSON.stringify({ cart: { lines: cart }, locale: "en", surface: "checkout" }),
      };
    });
  return { requests, customers: customers.length, known: known.length };
}
