import type { Db } from "~/db.server";
import { AppError } from "~/lib/errors";
import {
  customerOfOrder,
  findProducts,
  frequentCustomers,
  type PreviewCustomer,
  type PreviewProduct,
  productTitles,
} from "~/models/preview-data.server";
import { findShop } from "~/models/shops.server";
import { type CheckoutOffers, getCheckoutOffers } from "./checkout-offers.server";

export interface PreviewRequest {
  shopDomain: string;
  /** a customer key from the list, or null for a guest */
  customerKey: string | null;
  /** an order number: its customer (and, with an empty cart, its products) are previewed */
  orderNumber: string | null;
  cart: string[];
  /** text to find cart products by */
  query: string;
}

export interface OfferPreview {
  customers: PreviewCustomer[];
  /** who is previewed: a customer key, or null for a guest */
  customerKey: string | null;
  cart: PreviewProduct[];
  matches: PreviewProduct[];
  result: CheckoutOffers;
  /** why the order number did not resolve, when it did not */
  notice: string | null;
}

const CUSTOMERS_LISTED = 25;
const MATCHES_LISTED = 12;
/** Prices in previews of shops whose currency is not known yet (no Shopify order). */
const PREVIEW_CURRENCY = "USD";

/**
 * What the checkout would offer a chosen shopper with a chosen cart: the same service the checkout
 * extension calls, so offers, reasons and prices are exactly the checkout's.
 */
export async function previewOffers(database: Db, request: PreviewRequest): Promise<OfferPreview> {
  const shop = await findShop(database, request.shopDomain);
  if (!shop) throw new AppError("NOT_FOUND", "Unknown shop.");
  let { customerKey } = request;
  let cartIds = request.cart;
  let notice: string | null = null;
  if (request.orderNumber) {
    const order = await customerOfOrder(database, shop.id, request.orderNumber);
    if (!order) notice = `No order ${request.orderNumber} in this shop.`;
    else {
      customerKey = order.customerKey;
      if (!order.customerKey) notice = `Order ${request.orderNumber} was a guest checkout.`;
      if (cartIds.length === 0) {
        cartIds = [...new Set(order.lines.flatMap((line) => (line.productId ? [line.productId] : [])))].slice(
          0,
          3,
        );
      }
    }
  }
  const [customers, titles, matches, result] = await Promise.all([
    frequentCustomers(database, shop.id, CUSTOMERS_LISTED),
    productTitles(database, { shopId: shop.id, productIds: cartIds }),
    request.query
      ? findProducts(database, { shopId: shop.id, query: request.query, limit: MATCHES_LISTED })
      : [],
    getCheckoutOffers(database, {
      shopDomain: request.shopDomain,
      customerKey,
      cart: cartIds,
      surface: "checkout",
      currency: PREVIEW_CURRENCY,
      inExperiment: false,
    }),
  ]);
  return {
    customers,
    customerKey,
    cart: cartIds.map((productId) => ({ productId, title: titles.get(productId) ?? `Product ${productId}` })),
    matches,
    result,
    notice,
  };
}
