import type { Db } from "~/db.server";
import type { ProductSnapshot } from "~/lib/order-snapshot";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled } from "~/models/shops.server";
import type { SyntheticShopOptions } from "~ml/synthetic-shop";
import {
  generateSyntheticShop,
  type SyntheticProduct,
  type SyntheticShop,
  syntheticShopCsv,
} from "~ml/synthetic-shop";
import { type CsvImportResult, importOrderCsv } from "./import-order-csv.server";

export const DEMO_SHOP = "demo-shop.myshopify.com";

async function* syntheticLines(shop: SyntheticShop) {
  yield* syntheticShopCsv(shop);
}

/** A synthetic product as Shopify would describe it: active, in stock, one priced variant. */
function productSnapshot(product: SyntheticProduct): ProductSnapshot {
  const price = product.price.toFixed(2);
  return {
    externalId: product.id,
    title: product.title,
    handle: null,
    productType: product.category,
    vendor: product.vendor,
    tags: product.tags,
    price,
    imageUrl: null,
    status: "ACTIVE",
    available: true,
    updatedAt: null,
    variants: [
      { externalId: product.variantId, title: null, sku: null, price, compareAtPrice: null, available: true },
    ],
  };
}

/**
 * Creates the local demo shop with an offline session (so the embedded admin opens without
 * Shopify) and fills it, from a CSV file's lines or from the seeded synthetic shop. Both go
 * through the same CSV import the command line uses.
 */
export async function seedDemoShop(
  database: Db,
  {
    lines,
    seed = 7,
    synthetic,
    scopes,
    onProgress,
  }: {
    lines?: AsyncIterable<string>;
    seed?: number;
    /** the synthetic shop's size (orders, customers, products...) when no lines are given */
    synthetic?: Omit<SyntheticShopOptions, "seed">;
    scopes: string;
    onProgress?: (progress: { lines: number; rejected: number }) => void;
  },
): Promise<CsvImportResult> {
  const shopRow = await markInstalled(database, DEMO_SHOP);
  const id = `offline_${DEMO_SHOP}`;
  await database.session.upsert({
    where: { id },
    create: {
      id,
      shop: DEMO_SHOP,
      state: "demo",
      isOnline: false,
      scope: scopes,
      accessToken: "demo-offline-token",
    },
    update: { scope: scopes, expires: null },
  });
  if (lines) return importOrderCsv(database, { shopDomain: DEMO_SHOP, lines, onProgress });
  // The synthetic catalog goes in first, as the products webhook would bring it: with variants and
  // prices, so the demo shop's products can be offered.
  const shop = generateSyntheticShop({ ...synthetic, seed });
  for (let i = 0; i < shop.products.length; i += 1_000) {
    await upsertProductBatch(database, {
      shopId: shopRow.shop.id,
      products: shop.products.slice(i, i + 1_000).map(productSnapshot),
      replaceVariants: true,
    });
  }
  return importOrderCsv(database, { shopDomain: DEMO_SHOP, lines: syntheticLines(shop), onProgress });
}
