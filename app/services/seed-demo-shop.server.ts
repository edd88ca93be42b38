import type { Db } from "~/db.server";
import type { ProductSnapshot } from "~/lib/order-snapshot";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled } from "~/models/shops.server";
import {
  csvTextOf,
  generateSyntheticShop,
  type SyntheticProduct,
  type SyntheticShopOptions,
  syntheticShopCsv,
} from "~ml";
import { type CsvImportResult, importOrderCsv } from "./import-order-csv.server";

/** The synthetic demo shop: generated orders, and simulated shoppers on top. */
export const DEMO_SHOP = "demo-shop.myshopify.com";
/** A real order history imported from a file, kept apart from the synthetic shop and never simulated on. */
export const HISTORY_SHOP = "demo-history.myshopify.com";

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
 * Creates the synthetic demo shop with an offline session (so the embedded admin opens without
 * Shopify) and fills it from the seeded synthetic shop: its catalog as Shopify would describe it,
 * then its orders through the same CSV import the command line uses.
 */
export async function seedDemoShop(
  database: Db,
  {
    seed = 7,
    synthetic,
    scopes,
    onProgress,
  }: {
    seed?: number;
    /** the synthetic shop's size (orders, customers, products...) */
    synthetic?: Omit<SyntheticShopOptions, "seed">;
    scopes: string;
    onProgress?: (progress: { lines: number; rejected: number }) => void;
  },
): Promise<CsvImportResult> {
  const shopRow = await installDemoShop(database, { shopDomain: DEMO_SHOP, scopes });
  // The synthetic catalog goes in first, as the products webhook would bring it: with variants and
  // prices, so the demo shop's products can be offered.
  const shop = generateSyntheticShop({ ...synthetic, seed });
  for (let i = 0; i < shop.products.length; i += 1_000) {
    await upsertProductBatch(database, {
      shopId: shopRow.id,
      products: shop.products.slice(i, i + 1_000).map(productSnapshot),
      replaceVariants: true,
    });
  }
  return importOrderCsv(database, {
    shopDomain: DEMO_SHOP,
    csv: csvTextOf(syntheticShopCsv(shop)),
    onProgress,
  });
}

/**
 * Creates the history demo shop (HISTORY_SHOP) with an offline session and imports an order file
 * into it: the import gives its products the default variants offering needs. Importing the same
 * file again changes nothing.
 */
export async function importDemoHistory(
  database: Db,
  {
    csv,
    scopes,
    onProgress,
  }: {
    csv: AsyncIterable<Buffer | string>;
    scopes: string;
    onProgress?: (progress: { lines: number; rejected: number }) => void;
  },
): Promise<CsvImportResult> {
  await installDemoShop(database, { shopDomain: HISTORY_SHOP, scopes });
  return importOrderCsv(database, { shopDomain: HISTORY_SHOP, csv, onProgress });
}

async function installDemoShop(database: Db, { shopDomain, scopes }: { shopDomain: string; scopes: string }) {
  const { shop } = await markInstalled(database, shopDomain);
  const id = `offline_${shopDomain}`;
  await database.session.upsert({
    where: { id },
    create: {
      id,
      shop: shopDomain,
      state: "demo",
      isOnline: false,
      scope: scopes,
      accessToken: "demo-offline-token",
    },
    update: { scope: scopes, expires: null },
  });
  return shop;
}
