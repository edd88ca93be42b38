import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { OFFER_DISCOUNT_TITLE, OFFER_PROPERTY } from "~/lib/order-snapshot";
import { committedSince } from "~/models/offer-grants.server";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { action as webhookAction } from "~/routes/webhooks.$";
import { syncOfferDiscount } from "~/services/sync-offer-discount.server";
import { adminGraphql } from "~/shopify/admin-graphql.server";
import { shopify } from "~/shopify.server";
import { discountSettings, POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { webhookFixture } from "../fixtures/webhooks";
import { buildInput, buildLine } from "../functions/offer-discount-input";
import { runFunction, WASM_PATH, wasmBuilt } from "../functions/run-function";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP, webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

// The Shopify client keeps the fetch it finds when imported, so the fake must be listening first.
const admin = await vi.hoisted(async () =>
  (await import("../fixtures/admin-api-discounts")).listeningDiscountApi(),
);

// The most popular product, 12.50 EUR: 10% off is 1.25, and the budget covers two such discounts.
const KETTLE = POPULAR[0]!;
const DISCOUNTS = discountSettings(2.5);

let shopId: string;
let workers: RunningWorkers;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
  await db().shop.update({
    where: { id: shopId },
    data: { settings: { maxOffers: 1, discounts: DISCOUNTS, experiment: { holdoutPercent: 0 } } },
  });
  await shopify().sessionStorage.storeSession(
    setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined }),
  );
  workers = await startWorkers({ queues: ["ingest"], concurrency: 1 });
});
afterAll(async () => {
  admin.server.close();
  await workers.close();
});

async function guestOffer(unitKey: string) {
  const token = await checkoutToken();
  const body = { cart: { lines: [] }, locale: "en", surface: "checkout", unitKey };
  const response = await callRoute(offersAction, checkoutRequest("/api/checkout/offers", { token, body }));
  expect(response.status).toBe(200);
  return (await response.json()).offers[0];
}

/** orders/create as Shopify sends it for a checkout with the offered line and our discount on it. */
function orderWith(offerId: string, allocated: string) {
  const order = webhookFixture<Record<string, unknown>>("orders-create");
  const now = new Date().toISOString();
  return {
    ...order,
    created_at: now,
    updated_at: now,
    id: 5_634_019_400_001,
    customer: null,
    discount_codes: [],
    discount_applications: [
      {
        target_type: "line_item",
        type: "automatic",
        value: "10.0",
        value_type: "percentage",
        allocation_method: "each",
        target_selection: "explicit",
        title: OFFER_DISCOUNT_TITLE,
        description: OFFER_DISCOUNT_TITLE,
      },
    ],
    line_items: [
      {
        id: 14_013_356_099_001,
        product_id: Number(KETTLE),
        variant_id: 45_012_345_600_001,
        title: "Pour-over Kettle",
        price: "12.50",
        quantity: 1,
        current_quantity: 1,
        properties: [{ name: OFFER_PROPERTY, value: offerId }],
        discount_allocations: [{ amount: allocated, discount_application_index: 0 }],
      },
    ],
  };
}

describe.skipIf(!wasmBuilt)(`a guest's personalized discount, end to end (needs ${WASM_PATH})`, () => {
  it("goes from the offer to the added line, the function's discount, the order and the budget", async () => {
    // The merchant's discount, as Shopify keeps it: the function reads its key from the metafield.
    const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
    expect(
      await syncOfferDiscount(db(), {
        shopDomain: TEST_SHOP,
        admin: adminGraphql(client.graphql),
        log: pino({ level: "silent" }),
      }),
    ).toBe("created");
    const [discount] = [...admin.discounts.values()];
    const config = admin.config(discount!.id)!;

    // A guest in checkout is offered the kettle with 10% off.
    const offer = await guestOffer("checkout-guest-1");
    expect(offer).toMatchObject({
      productId: `gid://shopify/Product/${KETTLE}`,
      discount: { percent: 10 },
    });

    // The extension adds the line with the offer id; Shopify runs the function on the cart.
    const variantId = offer.variantId.split("/").pop();
    const added = buildLine({ productId: KETTLE, variantId, offer: offer.offerId });
    const theirs = buildLine({ productId: POPULAR[1]! });
    const today = new Date().toISOString().slice(0, 10);
    const output = await runFunction(
      buildInput({ lines: [theirs, added], config: JSON.stringify(config), localDate: today }),
    );
    expect(output.operations).toEqual([
      {
        productDiscountsAdd: {
          candidates: [
            {
              message: OFFER_DISCOUNT_TITLE,
              targets: [{ cartLine: { id: added.id, quantity: 1 } }],
              value: { percentage: { value: 10 } },
            },
          ],
          selectionStrategy: "ALL",
        },
      },
    ]);
    // The same offer id pasted into another shop's cart, or on another product, gives nothing.
    const elsewhere = { ...config, key: "ab".repeat(32) };
    expect(
      (await runFunction(buildInput({ lines: [added], config: JSON.stringify(elsewhere), localDate: today })))
        .operations,
    ).toEqual([]);
    const otherProduct = buildLine({ productId: POPULAR[1]!, offer: offer.offerId });
    const otherVariant = buildLine({ productId: KETTLE, offer: offer.offerId });
    expect(
      (
        await runFunction(
          buildInput({ lines: [otherVariant], config: JSON.stringify(config), localDate: today }),
        )
      ).operations,
    ).toEqual([]);
    expect(
      (
        await runFunction(
          buildInput({ lines: [otherProduct], config: JSON.stringify(config), localDate: today }),
        )
      ).operations,
    ).toEqual([]);

    // Before the order, the grant's 1.25 is set aside; a second guest fits the budget, a third not.
    const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    expect(await committedSince(db(), { shopId, since: monthStart, now: new Date() })).toBe(1.25);
    expect((await guestOffer("checkout-guest-2")).discount).toEqual({ percent: 10 });
    expect((await guestOffer("checkout-guest-3")).discount).toBeNull();

    // The order arrives with what the discount really took off the line.
    const eventId = crypto.randomUUID();
    const delivered = await callRoute(
      webhookAction,
      webhookRequest({ topic: "orders/create", payload: orderWith(offer.offerId, "1.25"), eventId }),
    );
    expect(delivered.status).toBe(200);
    await waitFor(async () => {
      const delivery = await db().webhookDelivery.findFirst({ where: { eventId } });
      return delivery?.status === "processed" ? delivery : undefined;
    });
    const line = await db().orderLine.findFirstOrThrow({ where: { offerId: offer.offerId } });
    expect(line.offerDiscount?.toString()).toBe("1.25");
    const grant = await db().offerGrant.findFirstOrThrow({ where: { offerId: offer.offerId } });
    expect(grant.redeemedAt).not.toBeNull();
    // Received 1.25 plus the second guest's 1.25 still set aside: the budget is spent, not exceeded.
    expect(await committedSince(db(), { shopId, since: monthStart, now: new Date() })).toBe(2.5);
    expect((await guestOffer("checkout-guest-4")).discount).toBeNull();
  });
});
