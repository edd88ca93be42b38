import type { Db } from "~/db.server";
import type { NoOffersReason } from "~/lib/no-offers";
import { segmentTreatment } from "~/lib/segment-treatment";
import type { Segment } from "~/lib/segments";
import { readShopSettings, type ShopSettings } from "~/lib/shop-settings";
import { shopOfferFacts } from "~/models/preview-data.server";
import { popularProducts } from "~/models/serving-data.server";
import { rankOffers } from "~/serving/rank-offers.server";
import { servingState } from "~/serving/serving.server";

export interface NoOffersCheckout {
  shopId: string;
  shopDomain: string;
  customerKey: string | null;
  cart: readonly string[];
  historyBefore: Date | null;
  /** the shopper's segment as the checkout read it; null when it was not read */
  segment: Segment | null;
}

/** More than the largest maxOffers: a preview asks for no more. */
const RANKED = 30;

/**
 * Why a preview's checkout got no offers, retracing getCheckoutOffers' steps: the settings, the
 * catalog, the ranking, then what the ranked products are. The experiment's holdout and paused arms
 * never apply (a preview is served outside the experiment).
 */
export async function diagnoseNoOffers(database: Db, checkout: NoOffersCheckout): Promise<NoOffersReason> {
  const facts = await shopOfferFacts(database, checkout.shopId);
  const settings = readShopSettings(facts.settings);
  if (!settings.enabled) return "app-off";
  if (!settings.surfaces.includes("checkout")) return "checkout-off";
  if (checkout.segment && !segmentTreatment(settings, checkout.segment, null).offers) return "segment-off";
  if (facts.offerableProducts === 0) return "no-offerable-products";
  const state = await servingState(checkout.shopDomain);
  const ranked = state
    ? await rankOffers(state, {
        customerKey: checkout.customerKey,
        cart: checkout.cart,
        k: RANKED,
        ranking: "model",
        caller: "preview",
        historyBefore: checkout.historyBefore,
      })
    : { offers: [], modelVersion: null };
  // The ranking left out the excluded products, collections and tags, and the cart.
  if (ranked.offers.length > 0) return "nothing-offerable-ranked";
  if (ranked.modelVersion === null) {
    const popular = await popularProducts(database, { shopId: checkout.shopId, limit: RANKED });
    if (popular.length === 0) return "nothing-to-rank";
  }
  return hasExclusions(settings) ? "all-excluded" : "nothing-offerable-ranked";
}

function hasExclusions(settings: ShopSettings): boolean {
  return (
    settings.excludedProductIds.length > 0 ||
    settings.excludedCollectionIds.length > 0 ||
    settings.excludedTags.length > 0
  );
}
