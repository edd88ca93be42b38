import type { Db, Tx } from "~/db.server";
import { describeError } from "~/lib/errors";
import { type WebhookEvent, WebhookEventSchema } from "~/lib/webhook-events";
import { logger } from "~/logger.server";
import { inventoryItemOfAnotherShop, recordInventoryCosts } from "~/models/inventory-costs.server";
import { ordersOfAnotherShop, recordRefunds, upsertOrderBatch } from "~/models/orders.server";
import { deleteProduct, productOfAnotherShop, upsertProductBatch } from "~/models/products.server";
import { ensureShop, findShop, markUninstalled, shopRedactedAt } from "~/models/shops.server";
import {
  lockDelivery,
  markDeliveryAttemptFailed,
  markDeliveryProcessed,
  markDeliveryRefused,
} from "~/models/webhook-deliveries.server";
import { announceServingChange } from "~/serving/serving.server";
import { recordCustomerDataRequest, redactCustomer, redactShop } from "./privacy.server";
import { requestTrainingAfterOrders, requestTrainingSoon } from "./request-training.server";
import { closeOfferDiscountWhenSpent } from "./sync-offer-discount.server";

/** Shopify sends shop/redact 48 hours after the uninstall; half of that leaves room for a late uninstall. */
const REDACT_AFTER_UNINSTALL_MS = 24 * 3_600_000;

export type ProcessOutcome = "processed" | "skipped" | "refused";

/**
 * Applies a recorded delivery exactly once: the delivery row is locked and marked processed in the
 * same transaction as its effects, so a job run twice (two workers, a stalled job, the sweeper)
 * finds it processed and does nothing. A delivery that must not apply (see `applyEvent`) is marked
 * rejected with its reason, and its event dropped.
 */
export async function processDelivery(
  database: Db,
  { deliveryId, finalAttempt }: { deliveryId: string; finalAttempt: boolean },
): Promise<ProcessOutcome> {
  let outcome: {
    status: ProcessOutcome;
    orderOf?: { shopId: string; shopDomain: string };
    /** the order carries a discount our function gave */
    offerDiscounted?: boolean;
    erasedIn?: string;
    servingChanged?: string;
  };
  try {
    outcome = await database.$transaction(
      async (tx) => {
        const delivery = await lockDelivery(tx, deliveryId);
        if (delivery?.status !== "pending") return { status: "skipped" as const };
        const event = WebhookEventSchema.parse(delivery.payload);
        const applied = await applyEvent(tx, { ...delivery, event });
        if ("refused" in applied) {
          await markDeliveryRefused(tx, { id: deliveryId, reason: applied.refused });
          logger().warn({ deliveryId, reason: applied.refused }, "webhook delivery refused");
          return { status: "refused" as const };
        }
        await markDeliveryProcessed(tx, deliveryId);
        const orderOf =
          event.kind === "order" && applied.shopId
            ? { shopId: applied.shopId, shopDomain: delivery.shopDomain }
            : undefined;
        const offerDiscounted =
          event.kind === "order" && event.order.lines.some((line) => line.offerDiscount !== null);
        const erasedIn =
          event.kind === "customer-redact" && event.customerKey ? delivery.shopDomain : undefined;
        const servingChanged =
          SERVING_EVENTS.has(event.kind) && !applied.unchanged ? delivery.shopDomain : undefined;
        return { status: "processed" as const, orderOf, offerDiscounted, erasedIn, servingChanged };
      },
      { timeout: 120_000, maxWait: 10_000 },
    );
  } catch (error) {
    await markDeliveryAttemptFailed(database, {
      id: deliveryId,
      error: describeError(error),
      final: finalAttempt,
    });
    throw error;
  }
  if (outcome.servingChanged) await announceServingChange(outcome.servingChanged);
  if (outcome.orderOf) await retrainAfterOrder(database, outcome.orderOf);
  if (outcome.orderOf && outcome.offerDiscounted) await closeWhenSpent(database, outcome.orderOf);
  // The live model still holds the erased customer; without Redis, the sweep asks again.
  if (outcome.erasedIn) await requestTrainingSoon({ shopDomain: outcome.erasedIn, reason: "redaction" });
  return outcome.status;
}

/** The delivery is processed whatever happens here: a failed check waits for the next order or the nightly run. */
async function retrainAfterOrder(database: Db, shop: { shopId: string; shopDomain: string }) {
  try {
    await requestTrainingAfterOrders(database, shop);
  } catch (error) {
    logger().warn({ shop: shop.shopDomain, error: describeError(error) }, "retrain check failed");
  }
}

/** The delivery is processed whatever happens here: the nightly sync closes a spent budget too. */
async function closeWhenSpent(database: Db, shop: { shopId: string; shopDomain: string }) {
  try {
    await closeOfferDiscountWhenSpent(database, shop);
  } catch (error) {
    logger().warn({ shop: shop.shopDomain, error: describeError(error) }, "discount budget check failed");
  }
}

/**
 * Events that change what checkouts may be offered; orders are left to the servers' periodic
 * refresh, since a busy shop's orders would otherwise reload its serving state all the time.
 */
const SERVING_EVENTS: ReadonlySet<WebhookEvent["kind"]> = new Set([
  "product",
  "product-delete",
  "inventory-cost",
  "app-uninstalled",
  "shop-redact",
]);

/** `unchanged`: nothing checkouts read changed, so servers need not reload the shop. */
type Applied = { shopId?: string; unchanged?: boolean } | { refused: string };

interface Delivery {
  id: string;
  shopDomain: string;
  /** Shopify's trigger time (an unsigned header, never later than receipt), else the receipt. */
  triggeredAt: Date;
  /** When we received it: our own clock, which no sender can set. */
  receivedAt: Date;
  event: WebhookEvent;
}

/**
 * Applies the event; returns the shop's id when the event wrote an order. Shopify signs the body
 * only, so an old body may come back under a new event id, shop or time: a delivery is refused when
 * it would recreate a redacted shop, undo a later (re)install, or write a resource another shop
 * delivered first (Shopify's order and product ids are global, and orders carry no shop field).
 */
async function applyEvent(
  tx: Tx,
  { id, shopDomain, triggeredAt, receivedAt, event }: Delivery,
): Promise<Applied> {
  const redactedAt = event.kind === "shop-redact" ? null : await shopRedactedAt(tx, shopDomain);
  if (redactedAt && triggeredAt <= redactedAt) return { refused: "triggered before the shop was redacted" };
  // Orders, refunds and products are stored only when no other shop holds them. After a redaction
  // only a new install, never a delivery, brings the shop back.
  const ownShop = async (ofAnotherShop: Promise<boolean>, refused: string) => {
    if (await ofAnotherShop) return { refused };
    const shop = redactedAt ? await findShop(tx, shopDomain) : await ensureShop(tx, shopDomain);
    return shop ?? { refused: "the shop was redacted and not installed since" };
  };
  switch (event.kind) {
    case "order": {
      const externalIds = [event.order.externalId];
      const shop = await ownShop(
        ordersOfAnotherShop(tx, { shopDomain, externalIds }),
        "the order belongs to another shop",
      );
      if ("refused" in shop) return shop;
      await upsertOrderBatch(tx, { shopId: shop.id, source: "shopify", orders: [event.order] });
      return { shopId: shop.id };
    }
    case "refund": {
      const externalIds = [event.refund.orderExternalId];
      const shop = await ownShop(
        ordersOfAnotherShop(tx, { shopDomain, externalIds }),
        "the refund's order belongs to another shop",
      );
      if ("refused" in shop) return shop;
      await recordRefunds(tx, { shopId: shop.id, refunds: [event.refund] });
      return {};
    }
    case "product": {
      const shop = await ownShop(
        productOfAnotherShop(tx, { shopDomain, externalId: event.product.externalId }),
        "the product belongs to another shop",
      );
      if ("refused" in shop) return shop;
      await upsertProductBatch(tx, { shopId: shop.id, products: [event.product], replaceVariants: true });
      return {};
    }
    case "inventory-cost": {
      const { inventoryItemId } = event.cost;
      const shop = await ownShop(
        inventoryItemOfAnotherShop(tx, { shopDomain, inventoryItemId }),
        "the inventory item belongs to another shop",
      );
      if ("refused" in shop) return shop;
      // Only this shop's variants take the cost. An item none of them holds yet (its product's
      // webhook still on its way) keeps its cost, which the product takes once it is stored.
      const changed = await recordInventoryCosts(tx, { shopId: shop.id, costs: [event.cost] });
      // Most inventory item updates leave every variant's cost as it was (a SKU, tracking): only a
      // changed cost is worth every server reloading the shop.
      return { unchanged: changed === 0 };
    }
    case "product-delete": {
      const shop = await findShop(tx, shopDomain);
      if (shop)
        await deleteProduct(tx, { shopId: shop.id, externalId: event.productId, deletedAt: triggeredAt });
      return {};
    }
    case "app-uninstalled": {
      const shop = await findShop(tx, shopDomain);
      if (shop?.authorizedAt && triggeredAt < shop.authorizedAt)
        return { refused: "triggered before the app was last installed" };
      await markUninstalled(tx, shopDomain);
      return {};
    }
    case "shop-redact": {
      // Shopify sends it 48 hours after an uninstall; its body has no time, so only the shop's state
      // and our own clock tell a replay. An old uninstall replayed just before it (its trigger time
      // is an unsigned header) does not make a redaction arrive a day later by our clock.
      const shop = await findShop(tx, shopDomain);
      if (shop && !shop.uninstalledAt) return { refused: "the shop is installed" };
      if (
        shop?.uninstalledAt &&
        receivedAt.getTime() - shop.uninstalledAt.getTime() < REDACT_AFTER_UNINSTALL_MS
      )
        return { refused: "received less than a day after the uninstall" };
      await redactShop(tx, { shopDomain, keepDeliveryId: id });
      return {};
    }
    case "customer-redact": {
      const shop = await findShop(tx, shopDomain);
      if (shop)
        await redactCustomer(tx, {
          shopId: shop.id,
          customerKey: event.customerKey,
          orderIds: event.orderIds,
        });
      return {};
    }
    case "customer-data-request": {
      const shop = await findShop(tx, shopDomain);
      if (shop) {
        await recordCustomerDataRequest(tx, {
          shopId: shop.id,
          customerKey: event.customerKey,
          orderIds: event.orderIds,
        });
      }
      return {};
    }
  }
}
