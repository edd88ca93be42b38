import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { createRedis } from "~/redis.server";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { action as webhookAction } from "~/routes/webhooks.$";
import { startHistoryImport } from "~/services/start-history-import.server";
import { getShopSettings } from "~/services/update-shop-settings.server";
import { announceServingChange } from "~/serving/serving.server";
import { API_VERSION, shopify } from "~/shopify.server";
import { discountSettings, POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { webhookFixture } from "../fixtures/webhooks";
import { logDiscountOutcomes } from "../helpers/discount-outcomes";
import { offeredNoDiscount } from "../helpers/discount-slice";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP, webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();
process.env.BULK_POLL_INTERVAL_MS = "20";

// The Shopify client keeps the fetch it finds when imported, so the fake must be listening first.
const admin = await vi.hoisted(async () => {
  const { fakeAdminApi } = await import("../fixtures/admin-api");
  const { COSTED_PRODUCTS_JSONL, DISCOUNTED_ORDERS_JSONL } = await import("../fixtures/bulk");
  const api = fakeAdminApi({
    shop: "test-shop.myshopify.com",
    apiVersion: "2026-10",
    files: { products: COSTED_PRODUCTS_JSONL, orders: DISCOUNTED_ORDERS_JSONL },
  });
  api.server.listen({ onUnhandledRequest: "error" });
  return api;
});

/** The offered product, 12.50 EUR; its inventory item as the products file and webhooks name it. */
const KETTLE = POPULAR[0]!;
const KETTLE_VARIANT = `${KETTLE}2`;
const KETTLE_ITEM = 48_100_000_000_012;
const SHOPIFY_DISCOUNT = "gid://shopify/DiscountAutomaticNode/1";
// Every shopper is served: this is about discounts, not the experiment's holdout.
const NO_HOLDOUT = { holdoutPercent: 0 };

let workers: RunningWorkers;
beforeAll(async () => {
  expect(API_VERSION).toBe("2026-10");
  const session = setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined });
  await shopify().sessionStorage.storeSession(session);
  await seedOfferShop(db(), TEST_SHOP);
  workers = await startWorkers({ queues: ["backfill", "ingest"], concurrency: 2 });
});
afterAll(async () => {
  await workers.close();
  admin.server.close();
});

/** Delivers a signed webhook and waits until the worker has applied or refused it. */
async function deliver(topic: string, payload: unknown, { shop = TEST_SHOP } = {}) {
  const eventId = crypto.randomUUID();
  const response = await callRoute(webhookAction, webhookRequest({ topic, payload, shop, eventId }));
  expect(response.status).toBe(200);
  return waitFor(async () => {
    const delivery = await db().webhookDelivery.findFirst({ where: { eventId } });
    return delivery && delivery.status !== "pending" ? delivery : undefined;
  });
}

/** An inventory_items/update body as Shopify sends it, for the item, cost and time given. */
function inventoryItem(id: number, cost: string | null, updatedAt: string) {
  return {
    ...webhookFixture("inventory-items-update"),
    id,
    admin_graphql_api_id: `gid://shopify/InventoryItem/${id}`,
    cost,
    updated_at: updatedAt,
  };
}

async function variants(productId: string) {
  const rows = await db().variant.findMany({
    where: { product: { externalId: productId } },
    orderBy: { externalId: "asc" },
  });
  return rows.map((v) => [v.externalId, v.inventoryItemId, v.unitCost?.toString() ?? null]);
}

const kettleCost = async () =>
  (await db().variant.findFirstOrThrow({ where: { externalId: KETTLE_VARIANT } })).unitCost?.toString();

describe("costs from Shopify", () => {
  it("a history import stores each variant's inventory item and cost, and each order's total discounts", async () => {
    const run = await startHistoryImport(db(), { shopDomain: TEST_SHOP, onlyIfFresh: false });
    const finished = await waitFor(async () => {
      const current = await db().importRun.findUnique({ where: { id: run!.id } });
      return current?.status === "completed" || current?.status === "failed" ? current : undefined;
    });
    expect(finished).toMatchObject({ status: "completed", rejected: 0 });

    expect(await variants(KETTLE)).toEqual([
      [`${KETTLE}1`, "48100000000011", "2"],
      [KETTLE_VARIANT, "48100000000012", "4"],
    ]);
    // Shopify has no cost for the grinder: none is stored, and its item is known for a later one.
    expect(await variants(POPULAR[1]!)).toEqual([[`${POPULAR[1]}1`, "48100000000021", null]]);

    const orders = await db().order.findMany({
      where: { externalId: { in: ["990001", "990002"] } },
      orderBy: { externalId: "asc" },
    });
    expect(orders.map((o) => [o.externalId, o.totalDiscounts?.toString()])).toEqual([
      ["990001", "3.5"],
      ["990002", "0"],
    ]);

    // What the settings page says: of the twelve products on offer, Shopify has the kettle's cost.
    expect((await getShopSettings(db(), TEST_SHOP)).costs).toEqual({ products: 12, withCost: 1 });
  });

  it("an inventory_items/update sets the cost of the delivering shop's variant, newest first, and a bad one changes nothing", async () => {
    expect(
      await deliver("inventory_items/update", inventoryItem(KETTLE_ITEM, "5.25", "2026-11-02T09:00:00Z")),
    ).toMatchObject({
      status: "processed",
    });
    expect(await kettleCost()).toBe("5.25");

    // Older than what is stored: a late or replayed body never rolls the cost back.
    await deliver("inventory_items/update", inventoryItem(KETTLE_ITEM, "1.00", "2026-10-31T09:00:00Z"));
    expect(await kettleCost()).toBe("5.25");

    const negative = await deliver(
      "inventory_items/update",
      inventoryItem(KETTLE_ITEM, "-3.00", "2026-11-05T09:00:00Z"),
    );
    expect(negative).toMatchObject({ status: "rejected", lastError: expect.stringContaining("cost") });
    const notANumber = await deliver(
      "inventory_items/update",
      inventoryItem(KETTLE_ITEM, "cheap", "2026-11-05T09:00:00Z"),
    );
    expect(notANumber.status).toBe("rejected");
    expect(await kettleCost()).toBe("5.25");

    // The same item delivered as another shop's: inventory item ids are global, and this one is ours.
    const elsewhere = await deliver(
      "inventory_items/update",
      inventoryItem(KETTLE_ITEM, "0.50", "2026-11-05T09:00:00Z"),
      { shop: "other-shop.myshopify.com" },
    );
    expect(elsewhere).toMatchObject({
      status: "rejected",
      lastError: expect.stringContaining("another shop"),
    });
    expect(await kettleCost()).toBe("5.25");

    // A products/update carries the inventory item but no cost: the known cost stays.
    const kettleUpdate = {
      id: Number(KETTLE),
      admin_graphql_api_id: `gid://shopify/Product/${KETTLE}`,
      title: "Pour-over Kettle",
      status: "active",
      updated_at: "2026-11-03T09:00:00Z",
      variants: [
        {
          id: Number(`${KETTLE}1`),
          price: "5.00",
          inventory_item_id: KETTLE_ITEM - 1,
          inventory_management: "shopify",
          inventory_policy: "deny",
          inventory_quantity: 0,
        },
        {
          id: Number(KETTLE_VARIANT),
          price: "12.50",
          compare_at_price: "15.00",
          inventory_item_id: KETTLE_ITEM,
          inventory_management: "shopify",
          inventory_policy: "deny",
          inventory_quantity: 7,
        },
      ],
    };
    expect((await deliver("products/update", kettleUpdate)).status).toBe("processed");
    expect(await variants(KETTLE)).toEqual([
      [`${KETTLE}1`, "48100000000011", "2"],
      [KETTLE_VARIANT, "48100000000012", "5.25"],
    ]);
  });

  it("keeps a cost that comes before its product until the product is stored", async () => {
    // inventory_items/create may be delivered before the products/create of the same variant.
    const early = webhookFixture("inventory-items-update");
    expect((await deliver("inventory_items/create", early)).status).toBe("processed");
    expect(await db().variant.count({ where: { inventoryItemId: "47012345679999" } })).toBe(0);

    expect((await deliver("products/update", webhookFixture("products-update"))).status).toBe("processed");
    expect(await variants("8123456789099")).toEqual([
      ["45012345670000", "47012345670000", null],
      ["45012345679999", "47012345679999", "9.6"],
    ]);
  });

  it("stores an order's total discounts from orders/create, and a later orders/updated's", async () => {
    const order = webhookFixture("orders-create");
    expect((await deliver("orders/create", order)).status).toBe("processed");
    const stored = () => db().order.findFirstOrThrow({ where: { externalId: "5634019311837" } });
    expect((await stored()).totalDiscounts?.toString()).toBe("5.4");

    const edited = { ...order, updated_at: "2026-11-21T08:00:00-05:00", total_discounts: "7.40" };
    expect((await deliver("orders/updated", edited)).status).toBe("processed");
    expect((await stored()).totalDiscounts?.toString()).toBe("7.4");
  });
});

/** Guests' outcomes of the kettle's offers per discount level: [percent, impressions, takes]. */
const GUEST_RESPONSIVE = [
  [0, 300, 15],
  [5, 300, 30],
  [10, 300, 150],
] as const;

let checkouts = 0;

/** The discount percent each of `count` guests' checkouts is offered on the kettle. */
async function guestDiscounts(count: number) {
  const percents: number[] = [];
  for (let guest = 0; guest < count; guest++) {
    // A checkout key outside the experiment's no-discount slice.
    let unitKey = `cost-checkout-${++checkouts}`;
    while (offeredNoDiscount(TEST_SHOP, NO_HOLDOUT, { unitKey })) unitKey = `cost-checkout-${++checkouts}`;
    const body = { cart: { lines: [] }, locale: "en", surface: "checkout", unitKey };
    const token = await checkoutToken({ shop: TEST_SHOP });
    const response = await callRoute(offersAction, checkoutRequest("/api/checkout/offers", { token, body }));
    expect(response.status).toBe(200);
    const { offers } = await response.json();
    expect(offers.map((offer: { productId: string }) => offer.productId)).toEqual([
      `gid://shopify/Product/${KETTLE}`,
    ]);
    // The variant in stock, at 12.50, whose cost the decision read.
    expect(offers[0].variantId).toBe(`gid://shopify/ProductVariant/${KETTLE_VARIANT}`);
    percents.push(offers[0].discount?.percent ?? 0);
  }
  return percents;
}

describe("checkout's discount and the product's cost", () => {
  it("offers no discount where Shopify's cost leaves no level above the margin floor, though the outcomes ask for one", async () => {
    const shop = await db().shop.update({
      where: { domain: TEST_SHOP },
      data: {
        settings: {
          maxOffers: 1,
          // 10% margin floor, 50% assumed cost; too few outcomes would leave the default, no discount.
          discounts: { ...discountSettings(1_000), maxPercent: 10, defaultPercent: 0 },
          experiment: NO_HOLDOUT,
        },
        offerDiscountId: SHOPIFY_DISCOUNT,
      },
    });
    await logDiscountOutcomes(
      { shopId: shop.id, shopDomain: TEST_SHOP },
      GUEST_RESPONSIVE.map(([percent, impressions, takes]) => ({
        productId: KETTLE,
        segment: "guest",
        percent,
        impressions,
        takes,
      })),
    );
    await announceServingChange(TEST_SHOP);

    // At Shopify's cost of 5.25 a discount keeps its margin, and guests take the kettle far more with one.
    expect(await kettleCost()).toBe("5.25");
    const cheap = await guestDiscounts(4);
    expect(cheap.every((percent) => percent > 0)).toBe(true);

    // At 11.00, 5% off leaves 0.875 above cost, under the floor's 1.25: no level may be offered. Under
    // the assumed half of the price (6.25), 10% off would leave 5.00 and be given.
    await deliver("inventory_items/update", inventoryItem(KETTLE_ITEM, "11.00", "2026-11-06T09:00:00Z"));
    expect(await kettleCost()).toBe("11");
    // As the delivery's processing does once committed (the test may ask before that ends).
    await announceServingChange(TEST_SHOP);
    expect(await guestDiscounts(4)).toEqual([0, 0, 0, 0]);
  });
});

describe("a cost's announcement", () => {
  it("has every server reload the shop when a cost changes, and not when an update leaves it", async () => {
    const heard: string[] = [];
    const listener = createRedis("worker");
    listener.on("message", (_channel: string, message: string) => heard.push(message.split(" ")[0]!));
    await listener.subscribe(`${env().QUEUE_PREFIX}:serving-changed`);
    try {
      await deliver("inventory_items/update", inventoryItem(KETTLE_ITEM, "6.10", "2027-01-03T09:00:00Z"));
      expect(await kettleCost()).toBe("6.1");
      await waitFor(async () => (heard.includes(TEST_SHOP) ? true : undefined));

      heard.length = 0;
      // Newer, same cost: a SKU or tracking edit, which checkouts do not read.
      const same = await deliver(
        "inventory_items/update",
        inventoryItem(KETTLE_ITEM, "6.10", "2027-01-04T09:00:00Z"),
      );
      expect(same.status).toBe("processed");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard).not.toContain(TEST_SHOP);
    } finally {
      listener.disconnect();
    }
  });
});
