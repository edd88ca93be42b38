import type { Db, Tx } from "~/db.server";
import { customerExposures, deleteCustomerExposures } from "~/models/experiments.server";
import { customerOfferEvents, deleteCustomerOfferEvents } from "~/models/offer-events.server";
import { customerGrants, forgetCustomerGrants } from "~/models/offer-grants.server";
import { customerOrders, customerShopifyOrderIds, deleteCustomerOrders } from "~/models/orders.server";
import { eraseCustomerDeliveries } from "~/models/webhook-deliveries.server";

/**
 * customers/redact: the customer's orders go, with their offer events and any data-request report
 * about them and their experiment exposures, their discount grants forget them, the webhook
 * deliveries that named them or their orders lose their payloads, and a redaction mark tells
 * training and per-customer model state to drop them too.
 */
export async function redactCustomer(
  tx: Tx,
  { shopId, customerKey, orderIds }: { shopId: string; customerKey: string | null; orderIds: string[] },
) {
  // Deliveries first: one being applied right now holds its row lock, so waiting for it here means
  // the order it writes is committed, and deleted below, before this erasure ends.
  const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
  await eraseCustomerDeliveries(tx, {
    shopDomain: shop.domain,
    customerKey,
    orderIds: await customerShopifyOrderIds(tx, { shopId, customerKey, orderIds }),
  });
  const deleted = await deleteCustomerOrders(tx, { shopId, customerKey, orderIds });
  if (customerKey) {
    await tx.customerDataRequest.deleteMany({ where: { shopId, customerKey } });
    await deleteCustomerOfferEvents(tx, { shopId, customerKey });
    await forgetCustomerGrants(tx, { shopId, customerKey });
    await deleteCustomerExposures(tx, { shopId, customerKey });
    await tx.customerRedaction.upsert({
      where: { shopId_customerKey: { shopId, customerKey } },
      create: { shopId, customerKey },
      update: { redactedAt: new Date(), appliedToModelsAt: null, appliedInVersion: null },
    });
  }
  return { deletedOrders: deleted };
}

/** customers/data_request: a report of everything we hold about the customer, kept for the merchant. */
export async function recordCustomerDataRequest(
  tx: Tx,
  { shopId, customerKey, orderIds }: { shopId: string; customerKey: string | null; orderIds: string[] },
) {
  const orders = await customerOrders(tx, { shopId, customerKey, orderIds });
  const offerEvents = customerKey ? await customerOfferEvents(tx, { shopId, customerKey }) : [];
  const grants = customerKey ? await customerGrants(tx, { shopId, customerKey }) : [];
  const exposures = customerKey ? await customerExposures(tx, { shopId, customerKey }) : [];
  const report = {
    generatedAt: new Date().toISOString(),
    identifiers:
      "The customer is stored only as a keyed hash of their Shopify customer id. No name, email, " +
      "address or phone number is stored.",
    orders: orders.map((order) => ({
      orderId: order.externalId,
      source: order.source,
      orderedAt: order.orderedAt?.toISOString() ?? null,
      currency: order.currency,
      totalPrice: order.totalPrice?.toString() ?? null,
      financialStatus: order.financialStatus,
      cancelledAt: order.cancelledAt?.toISOString() ?? null,
      lines: order.lines.map((line) => ({
        productId: line.productId,
        variantId: line.variantId,
        title: line.title,
        quantity: line.quantity,
        refundedQuantity: line.refundedQuantity,
        unitPrice: line.unitPrice?.toString() ?? null,
        fromOffer: line.offerId,
      })),
    })),
    offerEvents: offerEvents.map((event) => ({
      productId: event.productId,
      surface: event.surface,
      type: event.type,
      segment: event.segment,
      discountHistory: event.discountHistory,
      cartProductIds: event.cartProductIds,
      occurredAt: event.occurredAt.toISOString(),
    })),
    offerDiscounts: grants.map((grant) => ({
      productId: grant.productId,
      percent: grant.percent,
      grantedAt: grant.grantedAt.toISOString(),
      expiresAt: grant.expiresAt.toISOString(),
      redeemedAt: grant.redeemedAt?.toISOString() ?? null,
    })),
    experiments: exposures.map((exposure) => ({
      experimentId: exposure.experimentId,
      variant: exposure.variant,
      segment: exposure.segment,
      firstSeenAt: exposure.firstSeenAt.toISOString(),
    })),
  };
  return tx.customerDataRequest.create({ data: { shopId, customerKey: customerKey ?? "", report } });
}

/**
 * shop/redact: every row of the shop goes (cascades from the shop row), its sessions and deliveries
 * too, and the domain is remembered with the time, so no delivery triggered before it recreates the shop.
 */
export async function redactShop(
  tx: Tx,
  { shopDomain, keepDeliveryId }: { shopDomain: string; keepDeliveryId: string },
) {
  const redactedAt = new Date();
  await tx.shopRedaction.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain, redactedAt },
    update: { redactedAt },
  });
  await tx.shop.deleteMany({ where: { domain: shopDomain } });
  await tx.session.deleteMany({ where: { shop: shopDomain } });
  await tx.webhookDelivery.deleteMany({ where: { shopDomain, id: { not: keepDeliveryId } } });
}

/** A data-request report of the shop, or null when the id is not one of the shop's. */
export async function findCustomerDataReport(
  database: Db,
  { shopDomain, id }: { shopDomain: string; id: string },
) {
  const found = await database.customerDataRequest.findFirst({
    where: { id, shop: { domain: shopDomain } },
    select: { id: true, customerKey: true, requestedAt: true, report: true },
  });
  return found
    ? {
        id: found.id,
        customerKey: found.customerKey,
        requestedAt: found.requestedAt,
        ...(found.report as object),
      }
    : null;
}

/** The shop's customer data requests, newest first, for the merchant to download. */
export async function listCustomerDataRequests(database: Db, shopDomain: string, take = 20) {
  return database.customerDataRequest.findMany({
    where: { shop: { domain: shopDomain } },
    orderBy: { requestedAt: "desc" },
    take,
    select: { id: true, requestedAt: true },
  });
}
