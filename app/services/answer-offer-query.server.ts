import type { Db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import type { OfferQuery } from "~/lib/offer-query";
import { getCheckoutOffers } from "./checkout-offers.server";

export interface OfferQueryAnswer {
  id: string;
  /** "v3": the live model version ranked the offers; "popular": the popularity fallback did */
  model: string;
  offers: Array<{ productId: string; title: string; reason: string; discountPercent: number }>;
}

/**
 * What the checkout would offer one query's shopper and cart, through the checkout's own offers
 * service (outside the experiment, granting no discounts): the customer id is keyed as the shop's orders
 * were, and products are named by the shop's own ids.
 */
export async function answerOfferQuery(
  database: Db,
  { shopDomain, query, k }: { shopDomain: string; query: OfferQuery; k?: number },
): Promise<OfferQueryAnswer> {
  const result = await getCheckoutOffers(database, {
    shopDomain,
    customerKey: query.customer_id ? customerKey(shopDomain, query.customer_id) : null,
    cart: query.cart,
    surface: "checkout",
    inExperiment: false,
    historyBefore: query.at ?? null,
    limit: k,
  });
  return {
    id: query.id,
    model: result.modelVersion === null ? "popular" : `v${result.modelVersion}`,
    offers: result.offers.map((offer) => ({
      productId: offer.productId.replace(/^gid:\/\/shopify\/Product\//, ""),
      title: offer.title,
      reason: offer.reason,
      discountPercent: offer.discount?.percent ?? 0,
    })),
  };
}
