import type { Db } from "~/db.server";
import { ensureQueued } from "~/jobs/queues.server";
import {
  demotedPairOutcomes,
  type PairKey,
  pairImpressions,
  shopsShowingOffers,
  updateDemotedPairs,
} from "~/models/ignored-offer-pairs.server";
import { findShop } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";
import { ignoredPairs, MIN_IGNORED_IMPRESSIONS } from "~ml";

/** How far back impressions count, and the most pairs a shop demotes. */
const WINDOW_DAYS = 30;
const MAX_DEMOTED = 1_000;

/**
 * Finds the cart product and offer pairs the shop's shoppers ignore (ml/policy/ignored-pairs) in the
 * last 30 days of impressions and demotes them: checkouts holding the cart product rank them last. A
 * demoted pair stays demoted until a shopper who explores (and sees it in its ranked place) clicks or
 * adds it; being shown less once demoted does not lift it. Nightly, for every shop shown offers.
 */
export async function demoteIgnoredPairs(
  database: Db,
  { shopDomain, now = new Date() }: { shopDomain: string; now?: Date },
): Promise<{ demoted: number; lifted: number }> {
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt) return { demoted: 0, lifted: 0 };
  const [{ pairs, impressions, engagements }, demoted] = await Promise.all([
    pairImpressions(database, {
      shopId: shop.id,
      since: new Date(now.getTime() - WINDOW_DAYS * 86_400_000),
      minImpressions: MIN_IGNORED_IMPRESSIONS,
    }),
    demotedPairOutcomes(database, shop.id),
  ]);
  const key = (pair: PairKey) => `${pair.cartProductId}|${pair.offerProductId}`;
  const lift = demoted.filter((pair) => pair.engagements > 0);
  const kept = new Set(demoted.filter((pair) => pair.engagements === 0).map(key));
  const add = ignoredPairs(pairs, { impressions, engagements })
    .filter((pair) => !kept.has(key(pair)) && !lift.some((lifted) => key(lifted) === key(pair)))
    .slice(0, Math.max(0, MAX_DEMOTED - kept.size));
  if (add.length > 0 || lift.length > 0) {
    await updateDemotedPairs(database, { shopId: shop.id, add, lift });
    await announceServingChange(shopDomain);
  }
  return { demoted: kept.size + add.length, lifted: lift.length };
}

/** The nightly run: a demotion pass for every installed shop shown offers in the last 30 days. */
export async function requestNightlyDemotions(database: Db): Promise<number> {
  const shops = await shopsShowingOffers(database, {
    since: new Date(Date.now() - WINDOW_DAYS * 86_400_000),
  });
  for (const shopDomain of shops) {
    await ensureQueued("demote-ignored-pairs", { shopDomain }, { jobId: `demote-${shopDomain}` });
  }
  return shops.length;
}
