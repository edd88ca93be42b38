import type { Db, Tx } from "~/db.server";
import { describeError } from "~/lib/errors";
import { type WebhookEvent, WebhookEventSchema } from "~/lib/webhook-events";
import { logger } from "~/logger.server";
import { recordRefunds, upsertOrderBatch } from "~/models/orders.server";
import { deleteProduct, upsertProductBatch } from "~/models/products.server";
import { ensureShop, findShop, markUninstalled } from "~/models/shops.server";
import {
  lockDelivery,
  markDeliveryAttemptFailed,
  markDeliveryProcessed,
} from "~/models/webhook-deliveries.server";
import { recordCustomerDataRequest, redactCustomer, redactShop } from "./privacy.server";
import { requestTrainingAfterOrders, requestTrainingSoon } from "./request-training.server";

export type ProcessOutcome = "processed" | "skipped";

/**
 * Applies a recorded delivery exactly once: the delivery row is locked and marked processed in the
 * same transaction as its effects, so a job run twice (two workers, a stalled job, the sweeper)
 * finds it processed and does nothing.
 */
export async function processDelivery(
  database: Db,
  { deliveryId, finalAttempt }: { deliveryId: string; finalAttempt: boolean },
): Promise<ProcessOutcome> {
  let outcome: {
    status: ProcessOutcome;
    orderOf?: { shopId: string; shopDomain: string };
    erasedIn?: string;
  };
  try {
    outcome = await database.$transaction(
      async (tx) => {
        const delivery = await lockDelivery(tx, deliveryId);
        if (delivery?.status !== "pending") return { status: "skipped" as const };
        const event = WebhookEventSchema.parse(delivery.payload);
        const shopId = await applyEvent(tx, { shopDomain: delivery.shopDomain, deliveryId, event });
        await markDeliveryProcessed(tx, deliveryId);
        const orderOf =
          event.kind === "order" && shopId ? { shopId, shopDomain: delivery.shopDomain } : undefined;
        const erasedIn =
          event.kind === "customer-redact" && event.customerKey ? delivery.shopDomain : undefined;
        return { status: "processed" as const, orderOf, erasedIn };
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
  if (outcome.orderOf) await retrainAfterOrder(database, outcome.orderOf);
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

/** Applies the event; returns the shop's id when the event wrote an order. */
async function applyEvent(
  tx: Tx,
  { shopDomain, deliveryId, event }: { shopDomain: string; deliveryId: string; event: WebhookEvent },
): Promise<string | undefined> {
  switch (event.kind) {
    case "order": {
      const shop = await ensureShop(tx, shopDomain);
      await upsertOrderBatch(tx, { shopId: shop.id, source: "shopify", orders: [event.order] });
      return shop.id;
    }
    case "refund": {
      const shop = await ensureShop(tx, shopDomain);
      await recordRefunds(tx, { shopId: shop.id, refunds: [event.refund] });
      return;
    }
    case "product": {
      const shop = await ensureShop(tx, shopDomain);
      await upsertProductBatch(tx, { shopId: shop.id, products: [event.product], replaceVariants: true });
      return;
    }
    case "product-delete": {
      const shop = await findShop(tx, shopDomain);
      if (shop) await deleteProduct(tx, { shopId: shop.id, externalId: event.productId });
      return;
    }
    case "app-uninstalled":
      await markUninstalled(tx, shopDomain);
      return;
    case "shop-redact":
      await redactShop(tx, { shopDomain, keepDeliveryId: deliveryId });
      return;
    case "customer-redact": {
      const shop = await findShop(tx, shopDomain);
      if (shop)
        await redactCustomer(tx, {
          shopId: shop.id,
          customerKey: event.customerKey,
          orderIds: event.orderIds,
        });
      return;
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
      return;
    }
  }
}
