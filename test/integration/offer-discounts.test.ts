import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { buyerTag, shopOfferKey, verifyOfferToken } from "~/lib/offer-token.server";
import { replaceCollectionProducts } from "~/models/collection-products.server";
import { levelOutcomes } from "~/models/offer-events.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { action } from "~/routes/api.checkout.offers";
import { loader as proxyLoader } from "~/routes/proxy.offers";
import { recordOfferEvents } from "~/services/record-offer-events.server";
import { announceServingChange } from "~/serving/serving.server";
import { parseOffersResponse } from "../../extensions/checkout-upsell/src/lib/offers";
import { discountSettings, POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { offeredNoDiscount } from "../helpers/discount-slice";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { appProxyRequest, checkoutRequest, checkoutToken, TEST_SHOP } from "../helpers/shopify";

isolateIntegration();

// The most popular product: 12.50 EUR. 10% off is 1.25, so a budget of 10.00 covers eight discounts.
const KETTLE = POPULAR[0]!;
const DISCOUNTS = discountSettings(10);
// Every shopper is served: these tests are about discounts, not the experiment's holdout. The
// logged-in buyers below are outside its no-discount slice, which experiments.test.ts covers.
const NO_HOLDOUT = { holdoutPercent: 0 };

let shopId: string;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
});

/** The shop's discount in Shopify, as the sync records it once Shopify has created it. */
const SHOPIFY_DISCOUNT = "gid://shopify/DiscountAutomaticNode/1";

async function setDiscounts(
  discounts: Record<string, number | boolean | string[]> = DISCOUNTS,
  offerDiscountId: string | null = SHOPIFY_DISCOUNT,
) {
  await db().shop.update({
    where: { id: shopId },
    data: { settings: { maxOffers: 1, discounts, experiment: NO_HOLDOUT }, offerDiscountId },
  });
  // What every writer of a shop's settings or collections does: serving reads it again.
  await announceServingChange(TEST_SHOP);
}

const body = { cart: { lines: [] }, locale: "en", surface: "checkout" };
let checkouts = 0;
/** A guest's checkout: its own key, as the extension sends the checkout token, outside the no-discount slice. */
function guestCheckout() {
  let unitKey = `checkout-${++checkouts}`;
  while (offeredNoDiscount(TEST_SHOP, NO_HOLDOUT, { unitKey })) unitKey = `checkout-${++checkouts}`;
  return { ...body, unitKey };
}

async function askOffers(customerId?: string, requestBody: object = guestCheckout()) {
  const token = await checkoutToken({ customerId });
  return callRoute(action, checkoutRequest("/api/checkout/offers", { token, body: requestBody }));
}

async function firstOffer(customerId?: string, requestBody?: object) {
  const response = await askOffers(customerId, requestBody);
  expect(response.status).toBe(200);
  const answer = await response.json();
  expect(answer.offers).toHaveLength(1);
  return answer.offers[0];
}

const grants = () => db().offerGrant.findMany({ orderBy: { id: "asc" } });

/** An order of the offered kettle, as its webhook reduces it: the line, its offer id and what our discount took. */
async function orderOf(offerId: string, offerDiscount: string | null, orderedAt = new Date()) {
  await upsertOrderBatch(db(), {
    shopId,
    source: "shopify",
    orders: [
      buildOrder({
        externalId: `order-${offerId.slice(-8)}-${orderedAt.getTime()}`,
        orderedAt: orderedAt.toISOString(),
        lines: [{ productId: KETTLE, unitPrice: "12.50", offerId, offerDiscount }],
      }),
    ],
  });
}

describe("discounts in checkout offers", () => {
  beforeEach(async () => {
    await setDiscounts();
    await db().offerGrant.deleteMany({});
    await db().order.deleteMany({ where: { externalId: { startsWith: "order-" } } });
  });

  it("gives a guest a personalized discount signed into the offer id, and sets its value aside", async () => {
    const offer = await firstOffer();
    expect(offer).toMatchObject({
      productId: `gid://shopify/Product/${KETTLE}`,
      discount: { percent: 10 },
    });
    expect(verifyOfferToken(offer.offerId, TEST_SHOP)).toMatchObject({
      productId: KETTLE,
      discountPercent: 10,
      quantity: 1,
      buyer: null,
    });
    // The extension applies the percent to the buyer's market price at once; there is no code to apply.
    expect(parseOffersResponse({ offers: [offer] })?.offers[0]?.discount).toEqual({ percent: 10 });
    const [grant] = await grants();
    expect(grant).toMatchObject({ productId: KETTLE, percent: 10, quantity: 1, offerId: offer.offerId });
    expect(grant!.holder).toMatch(/^checkout:/);
    expect(grant!.holder).not.toContain(`checkout-${checkouts}`);
    expect(grant!.value.toString()).toBe("1.25");
    expect(grant!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 36 * 3_600_000);
  });

  it("binds a logged-in buyer's discount to them", async () => {
    const offer = await firstOffer("7001");
    expect(offer.discount).toEqual({ percent: 10 });
    const key = shopOfferKey(TEST_SHOP);
    expect(verifyOfferToken(offer.offerId, TEST_SHOP)?.buyer).toBe(buyerTag(key, "7001"));
    expect((await grants())[0]?.holder).toBe(customerKey(TEST_SHOP, "7001"));
  });

  it("gives the same shopper the same offer id again, never a second grant, even asked at once", async () => {
    const first = await firstOffer("7002");
    const again = await firstOffer("7002");
    expect(again.offerId).toBe(first.offerId);

    const checkout = guestCheckout();
    const answers = await Promise.all(Array.from({ length: 20 }, () => firstOffer(undefined, checkout)));
    expect(new Set(answers.map((offer) => offer.offerId)).size).toBe(1);
    expect(answers[0].discount).toEqual({ percent: 10 });
    expect(await grants()).toHaveLength(2);
  });

  it("never discounts a storefront request, a checkout without its key, or a forged token", async () => {
    const keyless = await firstOffer(undefined, body);
    expect(keyless.discount).toBeNull();
    expect(verifyOfferToken(keyless.offerId, TEST_SHOP)?.discountPercent).toBe(0);

    const proxied = await callRoute(
      proxyLoader,
      await appProxyRequest("/proxy/offers", {
        query: { shop: TEST_SHOP, products: "" },
        customerId: "7004",
      }),
    );
    expect(proxied.status).toBe(200);
    const [offer] = (await proxied.json()).offers;
    expect(offer.discount).toBeNull();

    const forged = await callRoute(
      action,
      checkoutRequest("/api/checkout/offers", {
        token: await checkoutToken({ customerId: "7005", secret: "not-the-app-secret" }),
        body: guestCheckout(),
      }),
    );
    expect(forged.status).toBe(401);
    expect(await grants()).toHaveLength(0);
  });

  it("never exceeds the monthly budget, under 50 checkouts at once", async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => askOffers(i % 2 ? String(8000 + i) : undefined)),
    );
    expect(answers.map((response) => response.status)).toEqual(Array(50).fill(200));
    const offers = await Promise.all(answers.map(async (response) => (await response.json()).offers[0]));
    const given = offers.filter((offer) => offer.discount);
    // 8 × 1.25 = 10.00, the whole budget; a ninth would exceed it.
    expect(given).toHaveLength(8);
    const rows = await grants();
    expect(rows.map((row) => row.offerId).sort()).toEqual(given.map((offer) => offer.offerId).sort());
    expect(rows.reduce((sum, row) => sum + Number(row.value), 0)).toBe(10);
    for (const offer of offers.filter((o) => !o.discount))
      expect(verifyOfferToken(offer.offerId, TEST_SHOP)?.discountPercent).toBe(0);
  });

  it("counts what orders received this month, and what live grants may still cost", async () => {
    await setDiscounts({ ...DISCOUNTS, monthlyBudget: 2.5 });
    const first = await firstOffer();
    const second = await firstOffer();
    expect([first.discount, second.discount]).toEqual([{ percent: 10 }, { percent: 10 }]);
    expect((await firstOffer()).discount).toBeNull();

    // The first is bought: its order took 1.25 off, and its grant is redeemed, no longer set aside.
    await orderOf(first.offerId, "1.25");
    expect((await grants()).find((g) => g.offerId === first.offerId)?.redeemedAt).not.toBeNull();
    expect((await firstOffer()).discount).toBeNull();

    // The second expires unused: its 1.25 is free again, for one more shopper.
    await db().offerGrant.updateMany({
      where: { offerId: second.offerId },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    expect((await firstOffer()).discount).toEqual({ percent: 10 });
    expect((await firstOffer()).discount).toBeNull();

    // An order of last month counts against last month's budget, not this one's.
    await db().offerGrant.updateMany({ data: { expiresAt: new Date(Date.now() - 1_000) } });
    const lastMonth = new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) - 86_400_000,
    );
    await orderOf(second.offerId, "1.25", lastMonth);
    expect((await firstOffer()).discount).toEqual({ percent: 10 });
  });

  it("shows no discount that Shopify would not give: none before the shop's discount exists", async () => {
    await setDiscounts(DISCOUNTS, null);
    const offer = await firstOffer();
    expect(offer.discount).toBeNull();
    expect(verifyOfferToken(offer.offerId, TEST_SHOP)?.discountPercent).toBe(0);
    expect(await grants()).toHaveLength(0);
  });

  it("binds the discount to the offered variant, whose price the budget counts", async () => {
    const offer = await firstOffer();
    expect(verifyOfferToken(offer.offerId, TEST_SHOP)?.variantId).toBe(offer.variantId.split("/").pop());
  });

  it("gives a guest's made-up checkout keys no discounts beyond the few their session token may bring", async () => {
    const token = await checkoutToken();
    const answers = [];
    for (const unitKey of ["made-up-1", "made-up-2", "made-up-3", "made-up-4", "made-up-5"]) {
      const response = await callRoute(
        action,
        checkoutRequest("/api/checkout/offers", { token, body: { ...body, unitKey } }),
      );
      answers.push((await response.json()).offers[0]);
    }
    // OFFER_UNITS_PER_TOKEN (3 by default) keys are vouched for; the rest are served without one.
    expect(answers.map((offer) => offer.discount?.percent ?? 0)).toEqual([10, 10, 10, 0, 0]);
    expect(await grants()).toHaveLength(3);
  });

  it("gives a fresh grant rather than one some shop's checkout no longer honours", async () => {
    const first = await firstOffer("7013");
    // Granted two days ago: still counted until it expires everywhere, but stale where days begin first.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await db().offerGrant.updateMany({ data: { grantedAt: twoDaysAgo } });
    const again = await firstOffer("7013");
    expect(again.offerId).not.toBe(first.offerId);
    expect(again.discount).toEqual({ percent: 10 });
    expect(await grants()).toHaveLength(2);
  });

  it("gives a fresh grant rather than one above a cap the merchant lowered since", async () => {
    const first = await firstOffer("7012");
    expect(first.discount).toEqual({ percent: 10 });
    await setDiscounts({ ...DISCOUNTS, maxPercent: 5, defaultPercent: 5 });
    const again = await firstOffer("7012");
    expect(again.offerId).not.toBe(first.offerId);
    expect(again.discount).toEqual({ percent: 5 });
  });

  it("gives no discount when discounts are off, the budget is spent, or the product is excluded", async () => {
    await setDiscounts({ ...DISCOUNTS, enabled: false });
    expect((await firstOffer("7009")).discount).toBeNull();
    await setDiscounts({ ...DISCOUNTS, monthlyBudget: 1 });
    expect((await firstOffer("7009")).discount).toBeNull();
    await setDiscounts({ ...DISCOUNTS, excludedProductIds: [KETTLE] });
    expect((await firstOffer("7009")).discount).toBeNull();
    expect(await grants()).toHaveLength(0);
  });

  it("gives no discount for a product of a collection the merchant never discounts, and does once it leaves it", async () => {
    const KITCHEN = "4200000001";
    await replaceCollectionProducts(db(), {
      shopId,
      collectionId: KITCHEN,
      productIds: [KETTLE, POPULAR[1]!],
    });
    await setDiscounts({ ...DISCOUNTS, excludedCollectionIds: [KITCHEN] });
    const offer = await firstOffer("7010");
    expect(offer.productId).toBe(`gid://shopify/Product/${KETTLE}`);
    expect(offer.discount).toBeNull();
    expect(await grants()).toHaveLength(0);

    // The next sync finds the kettle taken out of the collection.
    await replaceCollectionProducts(db(), { shopId, collectionId: KITCHEN, productIds: [POPULAR[1]!] });
    await announceServingChange(TEST_SHOP);
    expect((await firstOffer("7010")).discount).toMatchObject({ percent: 10 });
    await db().collectionProduct.deleteMany({});
  });

  it("records the discount of each impression, and counts purchases of it per level for the policy", async () => {
    const discounted = await firstOffer("7010");
    const plain = await firstOffer(undefined, body);
    const events = [discounted, plain].map((offer) => ({
      type: "impression" as const,
      offerId: offer.offerId,
      surface: "checkout" as const,
    }));
    await recordOfferEvents({ shopDomain: TEST_SHOP, customerKey: null, events });
    const stored = await db().offerEvent.findMany({ orderBy: { discountPercent: "desc" } });
    expect(stored.map((event) => [event.productId, event.discountPercent])).toEqual([
      [KETTLE, 10],
      [KETTLE, 0],
    ]);

    await upsertOrderBatch(db(), {
      shopId,
      source: "shopify",
      orders: [
        buildOrder({
          externalId: "bought-with-discount",
          orderedAt: new Date().toISOString(),
          lines: [{ productId: KETTLE, offerId: discounted.offerId }],
        }),
      ],
    });
    const outcomes = await levelOutcomes(db(), { shopId, since: new Date(Date.now() - 86_400_000) });
    expect(outcomes.sort((a, b) => a.percent - b.percent)).toEqual([
      {
        productId: KETTLE,
        segment: "guest",
        discountHistory: null,
        percent: 0,
        impressions: 1,
        takes: 0,
        category: null,
        price: 12.5,
      },
      // Served to a logged-in customer without orders: their segment travels in the offer id.
      {
        productId: KETTLE,
        segment: "first-order",
        discountHistory: null,
        percent: 10,
        impressions: 1,
        takes: 1,
        category: null,
        price: 12.5,
      },
    ]);
  });
});
