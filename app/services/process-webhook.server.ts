import type { Db, Tx } from "~/db.server";
import { describeError } from "~/lib/errors";
import { type WebhookEvent, WebhookEventSchema } from "~/lib/webhook-events";
import { recordRefunds, upsertOrderBatch } from "~/models/orders.server";
import { deleteProduct, upsertProductBatch } from "~/models/products.server";
import { ensureShop, findShop, markUninstalled } from "~/models/shops.server";
import {
  lockDelivery,
  markDeliveryAttemptFailed,
  markDeliveryProcessed,
} from "~/models/webhook-deliveries.server";
import { recordCustomerDataRequest, redactCustomer, redactShop } from "./privacy.server";

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
  try {
    return await database.$transaction(
      async (tx) => {
        const delivery = await lockDelivery(tx, deliveryId);
        if (delivery?.status !== "pending") return "skipped";
        const event = WebhookEventSchema.parse(delivery.payload);
        await applyEvent(tx, { shopDomain: delivery.shopDomain, deliveryId, event });
        await markDeliveryProcessed(tx, deliveryId);
        return "processed";
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
}

async function applyEvent(
  tx: Tx,
  { shopDomain, deliveryId, event }: { shopDomain: string; deliveryId: string; event: WebhookEvent },
) {
  switch (event.kind) {
    case "order": {
      const shop = await ensureShop(tx, shopDomain);
      await upsertOrderBatch(tx, { shopId: shop.id, source: "shopify", orders: [event.order] });
      return;
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
