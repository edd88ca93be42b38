import type { Db } from "~/db.server";
import { AppError } from "~/lib/errors";
import { requireShop } from "~/models/shops.server";
import { redactCustomer } from "./privacy.server";
import { requestTrainingSoon } from "./request-training.server";

export interface Erasure {
  /** false: the order was a guest checkout, so only that order could be erased */
  customerKnown: boolean;
  deletedOrders: number;
}

/**
 * Erases, at the merchant's request, the customer of an order: as customers/redact does (their
 * orders, offer events and data-request reports go, and a training that forgets them is requested
 * at once). A guest checkout has no customer to follow, so only that order is erased.
 */
export async function eraseCustomerByOrder(
  database: Db,
  { shopDomain, orderNumber }: { shopDomain: string; orderNumber: string },
): Promise<Erasure> {
  const shop = await requireShop(database, shopDomain);
  const erasure = await database.$transaction(async (tx) => {
    const order = await tx.order.findFirst({
      where: { shopId: shop.id, externalId: orderNumber },
      select: { id: true, customerKey: true, source: true },
    });
    if (!order) throw new AppError("NOT_FOUND", `No order ${orderNumber} in this shop.`);
    const { deletedOrders } = await redactCustomer(tx, {
      shopId: shop.id,
      customerKey: order.customerKey,
      orderIds: order.source === "shopify" ? [orderNumber] : [],
    });
    // An imported guest order is not reached by customer or Shopify id.
    const { count } = await tx.order.deleteMany({ where: { id: order.id } });
    return { customerKnown: order.customerKey !== null, deletedOrders: deletedOrders + count };
  });
  // The live model still holds the customer: retrain now. Without Redis, the sweep asks again.
  if (erasure.customerKnown) await requestTrainingSoon({ shopDomain: shop.domain, reason: "redaction" });
  return erasure;
}
