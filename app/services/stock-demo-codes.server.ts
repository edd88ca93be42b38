import type { Db } from "~/db.server";
import { env } from "~/env.server";
import type { DiscountSettings } from "~/lib/shop-settings";
import {
  dateIssuedCodes,
  offerableProductIds,
  stockAvailableCodes,
} from "~/models/simulated-activity.server";
import { DEFAULT_DISCOUNT_LEVELS } from "~ml";

const DAY_MS = 86_400_000;

export interface DemoCodes {
  /**
   * After a replayed checkout was handed codes with these offers: dates them to the checkout, and
   * tops up the pools they came from as the replenish job would. Gives the codes dated.
   */
  issued(checkout: {
    offers: Array<{ offerId: string; productId: string; percent: number }>;
    issuedAt: Date;
  }): Promise<number>;
}

/**
 * Stocks every pool the discount policy may draw from (each active product at each level the
 * settings allow) with made-up codes, stored as the replenish job stores the codes Shopify created:
 * a shop without Shopify cannot have real ones, and serving hands out only codes in stock. Pools
 * are kept above the low-water mark, so serving never asks the replenish job for more.
 */
export async function stockDemoCodes(
  database: Db,
  { shopId, settings, seed }: { shopId: string; settings: DiscountSettings; seed: number },
): Promise<DemoCodes> {
  const { DISCOUNT_POOL_SIZE: poolSize, DISCOUNT_POOL_LOW_WATER: lowWater, DISCOUNT_CODE_DAYS } = env();
  const codeLifetimeMs = DISCOUNT_CODE_DAYS * DAY_MS;
  const expiresAt = new Date(Date.now() + codeLifetimeMs);
  const percents = DEFAULT_DISCOUNT_LEVELS.filter((percent) => percent > 0 && percent <= settings.maxPercent);
  // At least what each pool holds: a shopper given their live code again takes none.
  const stock = new Map<string, number>();
  let made = 0;
  const pool = (productId: string, percent: number) => {
    const key = `${productId}|${percent}`;
    const count = Math.max(poolSize, lowWater + 1) - (stock.get(key) ?? 0);
    stock.set(key, (stock.get(key) ?? 0) + count);
    return Array.from({ length: count }, () => ({
      code: `DEMO-${seed}-${(made++).toString(36).toUpperCase()}`,
      productId,
      percent,
    }));
  };
  const products = await offerableProductIds(database, shopId);
  await stockAvailableCodes(database, {
    shopId,
    expiresAt,
    codes: products.flatMap((productId) => percents.flatMap((percent) => pool(productId, percent))),
  });
  return {
    async issued({ offers, issuedAt }) {
      const refills = offers.flatMap(({ productId, percent }) => {
        const key = `${productId}|${percent}`;
        const left = (stock.get(key) ?? 0) - 1;
        stock.set(key, left);
        return left <= lowWater ? pool(productId, percent) : [];
      });
      if (refills.length > 0) await stockAvailableCodes(database, { shopId, expiresAt, codes: refills });
      return dateIssuedCodes(database, {
        shopId,
        offerIds: offers.map((offer) => offer.offerId),
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + codeLifetimeMs),
      });
    },
  };
}
