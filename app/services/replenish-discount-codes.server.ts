import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { readShopSettings } from "~/lib/shop-settings";
import { productsInCollections } from "~/models/collection-products.server";
import {
  abandonReserved,
  dropUnwantedPools,
  markAvailable,
  reserveCodes,
  reservedCodes,
  settleCodes,
  wantedPools,
} from "~/models/discount-codes.server";
import { findShop } from "~/models/shops.server";
import type { AdminGraphql } from "~/shopify/admin-graphql.server";
import { createSingleUseCode, findCodeDiscount, type SingleUseCode } from "~/shopify/discount-codes.server";

/** A pool nobody asked for in this long is no longer stocked. */
const POOL_WANTED_FOR_MS = 7 * 86_400_000;
/** Codes created per run at most, so one run stays short; the next trigger continues. */
const MAX_CODES_PER_RUN = 200;

export interface ReplenishOptions {
  shopDomain: string;
  admin: AdminGraphql;
  log: Logger;
  /** codes kept ready per (product, percent) pool */
  poolSize: number;
  /** how long a code can be used after it is created */
  codeLifetimeMs: number;
  now?: () => Date;
}

export interface ReplenishResult {
  created: number;
  recovered: number;
  refused: number;
  redeemed: number;
  expired: number;
}

/**
 * Keeps the shop's wanted discount pools stocked with single-use codes created in Shopify ahead of
 * time, so checkout never waits for the Admin API. Each code is recorded as `reserved` before
 * Shopify is asked and becomes `available` once Shopify has it; a run interrupted in between finds
 * its reserved codes again and creates them, or adopts them when Shopify already has them.
 * Idempotent: a second run with stocked pools changes nothing.
 */
export async function replenishDiscountCodes(
  database: Db,
  options: ReplenishOptions,
): Promise<ReplenishResult> {
  const { shopDomain, admin, log, now = () => new Date() } = options;
  const result: ReplenishResult = { created: 0, recovered: 0, refused: 0, redeemed: 0, expired: 0 };
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt) return result;
  const settled = await settleCodes(database, { shopId: shop.id, now: now() });
  result.redeemed = settled.redeemed;
  result.expired = settled.expired;

  const stored = await database.shop.findUniqueOrThrow({
    where: { id: shop.id },
    select: { settings: true },
  });
  const { discounts } = readShopSettings(stored.settings);
  // Serving never asks for these; a pool wanted before the merchant excluded its product is not stocked.
  const excluded = new Set([
    ...discounts.excludedProductIds,
    ...(await productsInCollections({ shopId: shop.id, collectionIds: discounts.excludedCollectionIds })),
  ]);
  const combinesWith = {
    orderDiscounts: discounts.combinesWithOrderDiscounts,
    // Several offers' codes in one checkout, each on its own product: Shopify applies one product
    // discount per line unless the merchant tags discounts to stack.
    productDiscounts: true,
    shippingDiscounts: true,
  };

  // Codes an interrupted run reserved first: Shopify may or may not have them.
  for (const reserved of await reservedCodes(database, shop.id)) {
    const outcome = await createCode(admin, log, {
      code: reserved.code,
      productId: reserved.productId,
      percent: reserved.percent,
      title: null,
      startsAt: now(),
      endsAt: reserved.expiresAt,
      combinesWith,
    });
    if (outcome === null) {
      await abandonReserved(database, reserved.id);
      result.refused += 1;
    } else {
      await markAvailable(database, { id: reserved.id, discountNodeId: outcome });
      result.recovered += 1;
    }
  }

  await dropUnwantedPools(database, {
    shopId: shop.id,
    before: new Date(now().getTime() - POOL_WANTED_FOR_MS),
  });
  if (!discounts.enabled) return result;

  const pools = await wantedPools(database, {
    shopId: shop.id,
    since: new Date(now().getTime() - POOL_WANTED_FOR_MS),
    now: now(),
  });
  let budget = MAX_CODES_PER_RUN;
  for (const pool of pools) {
    if (excluded.has(pool.productId) || pool.percent > discounts.maxPercent) continue;
    const missing = Math.min(options.poolSize - pool.stock, budget);
    if (missing <= 0) continue;
    budget -= missing;
    const expiresAt = new Date(now().getTime() + options.codeLifetimeMs);
    const codes = Array.from({ length: missing }, newCode);
    await reserveCodes(database, {
      shopId: shop.id,
      productId: pool.productId,
      percent: pool.percent,
      codes,
      expiresAt,
    });
    const rows = await database.discountCode.findMany({
      where: { shopId: shop.id, code: { in: codes }, status: "reserved" },
      select: { id: true, code: true },
    });
    for (const row of rows) {
      const id = await createCode(admin, log, {
        code: row.code,
        productId: pool.productId,
        percent: pool.percent,
        title: pool.title,
        startsAt: now(),
        endsAt: expiresAt,
        combinesWith,
      });
      if (id === null) {
        await abandonReserved(database, row.id);
        result.refused += 1;
        continue;
      }
      await markAvailable(database, { id: row.id, discountNodeId: id });
      result.created += 1;
    }
    if (budget === 0) break;
  }
  log.info(
    { shop: shopDomain, ...result, bucket: admin.bucket?.currentlyAvailable },
    "discount codes replenished",
  );
  return result;
}

/**
 * Creates the code in Shopify, or finds it there when an earlier attempt already did. A refusal
 * (the product is gone, say) is logged and gives null; transient failures throw, for the job to retry.
 */
async function createCode(
  admin: AdminGraphql,
  log: Logger,
  code: Omit<SingleUseCode, "title"> & { title: string | null },
): Promise<string | null> {
  const created = await createSingleUseCode(admin, { ...code, title: codeTitle(code.percent, code.title) });
  if ("id" in created) return created.id;
  if ("taken" in created) return findCodeDiscount(admin, code.code);
  log.warn(
    { productId: code.productId, percent: code.percent, reason: created.refused },
    "discount code refused",
  );
  return null;
}

/** Unguessable and easy to read back: no 0/O or 1/I. */
const ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

function newCode(): string {
  const bytes = randomBytes(10);
  let code = "UP-";
  for (const byte of bytes) code += ALPHABET[byte % ALPHABET.length];
  return code;
}

function codeTitle(percent: number, productTitle: string | null): string {
  const title = `Checkout offer ${percent}% off ${productTitle ?? "one product"}, single use`;
  return title.slice(0, 255);
}
