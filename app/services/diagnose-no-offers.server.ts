import type { Db } from "~/db.server";
import type { NoOffersReason } from "~/lib/no-offers";
import { readShopSettings, type ShopSettings } from "~/lib/shop-settings";
import { productOfferFacts, shopOfferFacts } from "~/models/preview-data.server";
import { popularProducts } from "~/models/serving-data.server";
import { recommend } from "./recommend.server";

export interface NoOffersCheckout {
  shopId: string;
  shopDomain: string;
  customerKey: string | null;
  cart: readonly string[];
  historyBefore: Date | null;
}

/** As many candidates as getCheckoutOffers ranks for the largest maxOffers. */
const RANKED = 30;

/**
 * Why a preview's checkout got no offers, retracing getCheckoutOffers' steps: the settings, the
 * catalog, the ranking, then what the ranked products are. The experiment's holdout and paused arms
 * never apply (a preview is served outside the experiment), and neither does an unknown shop
 * currency (a preview shows prices in a stand-in currency, as a checkout does in the buyer's).
 */
export async function diagnoseNoOffers(database: Db, checkout: NoOffersCheckout): Promise<NoOffersReason> {
  const facts = await shopOfferFacts(database, checkout.shopId);
  const settings = readShopSettings(facts.settings);
  if (!settings.enabled) return "app-off";
  if (!settings.surfaces.includes("checkout")) return "checkout-off";
  if (facts.offerableProducts === 0) return "no-offerable-products";
  const ranked = await recommend(database, {
    shopDomain: checkout.shopDomain,
    customerKey: checkout.customerKey,
    cart: checkout.cart,
    k: RANKED,
    historyBefore: checkout.historyBefore,
  });
  if (ranked.offers.length === 0) {
    // recommend() already left out the excluded products and collections and the cart.
    if (ranked.modelVersion === null) {
      const popular = await popularProducts(database, { shopId: checkout.shopId, limit: RANKED });
      if (popular.length === 0) return "nothing-to-rank";
    }
    return hasExclusions(settings) ? "all-excluded" : "nothing-offerable-ranked";
  }
  const products = await productOfferFacts(database, {
    shopId: checkout.shopId,
    productIds: ranked.offers.map((offer) => offer.productId),
  });
  const excludedTags = new Set(settings.excludedTags.map(normalizeTag));
  const offerable = products.filter((product) => product.offerable);
  const allTagged =
    offerable.length > 0 &&
    offerable.every((product) => product.tags.some((tag) => excludedTags.has(normalizeTag(tag))));
  return allTagged ? "all-excluded" : "nothing-offerable-ranked";
}

function hasExclusions(settings: ShopSettings): boolean {
  return (
    settings.excludedProductIds.length > 0 ||
    settings.excludedCollectionIds.length > 0 ||
    settings.excludedTags.length > 0
  );
}

/** As the checkout compares tags: without regard to case or surrounding spaces. */
function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}
