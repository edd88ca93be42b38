import type { Db } from "~/db.server";
import { AppError } from "~/lib/errors";
import { explainNoOffers, type NoOffersExplanation } from "~/lib/no-offers";
import { blockedPairs } from "~/models/blocked-offer-pairs.server";
import {
  customerPurchases,
  customerSummary,
  frequentCustomers,
  type PreviewCustomer,
  type PreviewPurchase,
  previewedOrder,
} from "~/models/preview-customers.server";
import { findProducts, type PreviewProduct, productTitles } from "~/models/preview-data.server";
import { findShop } from "~/models/shops.server";
import { getCheckoutOffers, type ServedOffers } from "./checkout-offers.server";
import { diagnoseNoOffers } from "./diagnose-no-offers.server";

export interface PreviewRequest {
  shopDomain: string;
  /** a customer key from the list, or null for a guest */
  customerKey: string | null;
  /** an order number: its customer, its products as the cart, and the history before it are previewed */
  orderNumber: string | null;
  cart: string[];
  /** text to find cart products by */
  query: string;
}

export interface OfferPreview {
  /** customers to pick from: the most frequent, and the previewed one wherever they rank */
  customers: PreviewCustomer[];
  /** who is previewed: a customer key, or null for a guest */
  customerKey: string | null;
  /** the order previewed, when one was asked for and found */
  order: { orderNumber: string; orderedAt: Date | null; guest: boolean } | null;
  /** the customer's latest orders that the ranking counts (before the previewed order), newest first */
  purchases: PreviewPurchase[];
  cart: PreviewProduct[];
  matches: PreviewProduct[];
  result: ServedOffers;
  /** why the checkout gets no offers, when it gets none */
  noOffers: NoOffersExplanation | null;
  /** why the order number did not resolve, when it did not */
  notice: string | null;
  /** pairs the merchant blocked: those of the cart's products first, then the newest */
  blockedPairs: PreviewBlockedPair[];
  /** how many pairs the shop blocks in all */
  blockedTotal: number;
  /** the offers moved down because shoppers ignore them beside one of the cart's products */
  demoted: PreviewDemotedOffer[];
}

export interface PreviewDemotedOffer {
  offer: PreviewProduct;
  cart: PreviewProduct;
  /** how often it was shown beside that product without a click or an add */
  impressions: number;
  /** still among the offers, last; false: better ones filled the list */
  shown: boolean;
}

export interface PreviewBlockedPair {
  cart: PreviewProduct;
  offer: PreviewProduct;
  /** the cart product is in the previewed cart: this checkout is never offered the other */
  inCart: boolean;
}

const CUSTOMERS_LISTED = 25;
const MATCHES_LISTED = 12;
const PURCHASES_LISTED = 5;
/** blocked pairs listed besides those of the cart's products */
const BLOCKED_LISTED = 10;
/**
 * What the checkout would offer a chosen shopper with a chosen cart: the same service the checkout
 * extension calls, so offers and reasons are exactly the checkout's; prices are the shop's own, where
 * checkout shows each buyer their market's. An order is previewed as
 * its checkout was: its customer, all its products in the cart, and only the purchases before it.
 */
export async function previewOffers(database: Db, request: PreviewRequest): Promise<OfferPreview> {
  const shop = await findShop(database, request.shopDomain);
  if (!shop) throw new AppError("NOT_FOUND", "Unknown shop.");
  let { customerKey } = request;
  let cartIds = request.cart;
  let historyBefore: Date | null = null;
  let notice: string | null = null;
  const order = request.orderNumber
    ? await previewedOrder(database, { shopId: shop.id, orderNumber: request.orderNumber })
    : null;
  if (request.orderNumber && !order) notice = `No order ${request.orderNumber} in this shop.`;
  if (order) {
    customerKey = order.customerKey;
    cartIds = order.productIds;
    historyBefore = order.orderedAt;
  }
  const checkout = { shopDomain: request.shopDomain, customerKey, cart: cartIds, historyBefore };
  const [customers, chosen, purchases, titles, matches, result, pairs] = await Promise.all([
    frequentCustomers(database, shop.id, CUSTOMERS_LISTED),
    customerKey ? customerSummary(database, { shopId: shop.id, customerKey }) : null,
    customerKey
      ? customerPurchases(database, {
          shopId: shop.id,
          customerKey,
          before: historyBefore,
          orders: PURCHASES_LISTED,
        })
      : [],
    productTitles(database, { shopId: shop.id, productIds: cartIds }),
    request.query
      ? findProducts(database, { shopId: shop.id, query: request.query, limit: MATCHES_LISTED })
      : [],
    getCheckoutOffers(database, {
      ...checkout,
      surface: "checkout",
      // The admin is in English: the reasons, and the segment's message, as an English shopper reads them.
      locale: "en",
      inExperiment: false,
      explainDiscounts: true,
    }),
    blockedPairs(database, shop.id),
  ]);
  const inCart = new Set(cartIds);
  const listed = [
    ...pairs.filter((pair) => inCart.has(pair.cartProductId)),
    ...pairs.filter((pair) => !inCart.has(pair.cartProductId)).slice(0, BLOCKED_LISTED),
  ];
  const pairTitles = await productTitles(database, {
    shopId: shop.id,
    productIds: [
      ...new Set([
        ...listed.flatMap((pair) => [pair.cartProductId, pair.offerProductId]),
        ...(result.demoted ?? []).flatMap((offer) => [offer.cartProductId, offer.productId]),
      ]),
    ],
  });
  const described = (productId: string) => ({
    productId,
    title: pairTitles.get(productId) ?? `Product ${productId}`,
  });
  const noOffers =
    result.offers.length === 0
      ? explainNoOffers(
          await diagnoseNoOffers(database, { shopId: shop.id, ...checkout, segment: result.segment }),
        )
      : null;
  // A customer with no counted order yet (their only one cancelled, say) is still named in the picker.
  const shown = customerKey ? (chosen ?? { customerKey, orders: 0, lastOrderAt: null }) : null;
  const unlisted = shown && !customers.some((c) => c.customerKey === shown.customerKey);
  return {
    customers: unlisted ? [shown, ...customers] : customers,
    customerKey,
    order: order
      ? { orderNumber: order.orderNumber, orderedAt: order.orderedAt, guest: order.customerKey === null }
      : null,
    purchases,
    cart: cartIds.map((productId) => ({ productId, title: titles.get(productId) ?? `Product ${productId}` })),
    matches,
    result,
    noOffers,
    notice,
    blockedPairs: listed.map((pair) => ({
      cart: described(pair.cartProductId),
      offer: described(pair.offerProductId),
      inCart: inCart.has(pair.cartProductId),
    })),
    blockedTotal: pairs.length,
    demoted: (result.demoted ?? []).map((offer) => ({
      offer: described(offer.productId),
      cart: described(offer.cartProductId),
      impressions: offer.impressions,
      shown: offer.shown,
    })),
  };
}
