import type { Db } from "~/db.server";
import { pairImpressions, replaceDemotedPairs } from "~/models/ignored-offer-pairs.server";
import { findShop } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";
import { ignoredPairs, MIN_IGNORED_IMPRESSIONS } from "~ml";

/** How far back impressions count, and the most pairs a shop demotes. */
const WINDOW_DAYS = 30;
const MAX_DEMOTED = 1_000;

/**
 * Finds the cart product and offer pairs the shop's shoppers ignore (ml/policy/ignored-pairs) in the
 * last 30 days of impressions, and makes them the shop's demoted pairs, which checkouts holding the
 * cart product rank last. A pair that is clicked again, or shown less, is no longer demoted at the
 * next run. Nightly, with the model health check.
 */
export async function demoteIgnoredPairs(
  database: Db,
  { shopDomain, now = new Date() }: { shopDomain: string; now?: Date },
): Promise<{ demoted: number }> {
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt) return { demoted: 0 };
  const { pairs, impressions, engagements } = await pairImpressions(database, {
    shopId: shop.id,
    since: new Date(now.getTime() - WINDOW_DAYS * 86_400_000),
    minImpressions: MIN_IGNORED_IMPRESSIONS,
  });
  const ignored = ignoredPairs(pairs, { impressions, engagements }).slice(0, MAX_DEMOTED);
  const changed = await replaceDemotedPairs(database, { shopId: shop.id, pairs: ignored });
  if (changed) await announceServingChange(shopDomain);
  return { demoted: ignored.length };
}
