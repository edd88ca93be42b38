import type { Db } from "~/db.server";
import { markInstalled } from "~/models/shops.server";
import { generateSyntheticShop, type SyntheticShopOptions, syntheticShopCsv } from "~ml/synthetic-shop";
import { type CsvImportResult, importOrderCsv } from "./import-order-csv.server";

export const DEMO_SHOP = "demo-shop.myshopify.com";

async function* syntheticLines(options: SyntheticShopOptions) {
  yield* syntheticShopCsv(generateSyntheticShop(options));
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
  await markInstalled(database, DEMO_SHOP);
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
  return importOrderCsv(database, {
    shopDomain: DEMO_SHOP,
    lines: lines ?? syntheticLines({ ...synthetic, seed }),
    onProgress,
  });
}
