import type { Db } from "~/db.server";
import { AppError } from "~/lib/errors";
import { deleteBlockedPair, insertBlockedPair } from "~/models/blocked-offer-pairs.server";
import { productTitles } from "~/models/preview-data.server";
import { requireShop } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";

/** The most pairs a shop may block: beyond it, excluding the product outright is the better tool. */
export const MAX_BLOCKED_PAIRS = 1000;

export interface OfferPairRequest {
  shopDomain: string;
  /** the product in the cart */
  cartProductId: string;
  /** the product never to offer with it */
  offerProductId: string;
}

/**
 * "Never offer X with Y": from the next checkout on, a cart holding the cart product is never offered
 * the other one (every other cart still may be). Both must be products of the shop.
 */
export async function blockOfferPair(database: Db, request: OfferPairRequest): Promise<void> {
  const { shopDomain, cartProductId, offerProductId } = request;
  if (cartProductId === offerProductId) {
    throw new AppError("BAD_REQUEST", "A product is never offered with itself already.");
  }
  const shop = await requireShop(database, shopDomain);
  const known = await productTitles(database, {
    shopId: shop.id,
    productIds: [cartProductId, offerProductId],
  });
  const unknown = [cartProductId, offerProductId].filter((id) => !known.has(id));
  if (unknown.length > 0) throw new AppError("NOT_FOUND", `No product ${unknown.join(" or ")} in this shop.`);
  const stored = await insertBlockedPair(database, {
    shopId: shop.id,
    cartProductId,
    offerProductId,
    limit: MAX_BLOCKED_PAIRS,
  });
  if (!stored) {
    throw new AppError(
      "CONFLICT",
      `The shop already blocks ${MAX_BLOCKED_PAIRS} pairs: allow some again, or exclude products in Settings.`,
    );
  }
  await announceServingChange(shopDomain);
}

/** Lets the pair be offered together again. */
export async function allowOfferPair(database: Db, request: OfferPairRequest): Promise<void> {
  const { shopDomain, cartProductId, offerProductId } = request;
  const shop = await requireShop(database, shopDomain);
  await deleteBlockedPair(database, { shopId: shop.id, cartProductId, offerProductId });
  await announceServingChange(shopDomain);
}
