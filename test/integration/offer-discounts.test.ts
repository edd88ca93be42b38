import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { customerKey } from "~/lib/customer-key.server";
import { verifyOfferToken } from "~/lib/offer-token.server";
import { replaceCollectionProducts } from "~/models/collection-products.server";
import { levelOutcomes } from "~/models/offer-events.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { action } from "~/routes/api.checkout.offers";
import { loader as proxyLoader } from "~/routes/proxy.offers";
import { recordOfferEvents } from "~/services/record-offer-events.server";
import { announceServingChange } from "~/serving/serving.server";
import { parseOffersResponse } from "../../extensions/checkout-upsell/src/lib/offers";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { appProxyRequest, checkoutRequest, checkoutToken, TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

// The most popular product: 12.50 EUR. 10% off is 1.25, so a budget of 10.00 covers eight codes.
const KETTLE = POPULAR[0]!;
const DISCOUNTS = {
  enabled: true,
  maxPercent: 20,
  marginFloorPercent: 10,
  assumedCostPercent: 50,
  // Until an offer has been shown enough, the policy gives the default level.
  defaultPercent: 10,
  monthlyBudget: 10,
};
// Every shopper is served: these tests are about discounts, not the experiment's holdout.
const NO_HOLDOUT = { holdoutPercent: 0 };

let shopId: string;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
});

async function setDiscounts(discounts: Record<string, number | boolean | string[]> = DISCOUNTS) {
  await db().shop.update({
    where: { id: shopId },
    data: { settings: { maxOffers: 1, discounts, experiment: NO_HOLDOUT } },
  });
  // What every writer of a shop's settings or collections does: serving reads it again.
  await announceServingChange(TEST_SHOP);
}

/** The pool as the replenish job leaves it: `count` available codes of the kettle at 10%. */
async function stockPool(count: number) {
  await db().discountCode.deleteMany({});
  await db().discountCode.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      shopId,
      productId: KETTLE,
      percent: 10,
      code: `UP-TEST${String(i).padStart(4, "0")}`,
      status: "available",
      discountNodeId: `gid://shopify/DiscountCodeNode/${i + 1}`,
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
    })),
  });
}

const body = { cart: { lines: [] }, locale: "en", currency: "EUR", surface: "checkout" };

async function askOffers(customerId?: string, requestBody: object = body) {
  const token = await checkoutToken({ customerId });
  return callRoute(action, checkoutRequest("/api/checkout/offers", { token, body: requestBody }));
}

async function firstOffer(customerId?: string) {
  const response = await askOffers(customerId);
  expect(response.status).toBe(200);
  const answer = await response.json();
  expect(answer.offers).toHaveLength(1);
  return answer.offers[0];
}

const issued = () =>
  db().discountCode.findMany({ where: { status: "issued" }, orderBy: { issuedAt: "asc" } });

describe("discounts in checkout offers", () => {
  beforeEach(async () => {
    await setDiscounts();
    await stockPool(20);
  });

  it("gives a logged-in shopper a single-use code from the pool, and records it in the offer id", async () => {
    const offer = await firstOffer("7001");
    expect(offer).toMatchObject({
      productId: `gid://shopify/Product/${KETTLE}`,
      price: { amount: "12.50", currencyCode: "EUR" },
      discount: { code: expect.stringMatching(/^UP-TEST\d{4}$/), percent: 10 },
      discountedPrice: { amount: "11.25", currencyCode: "EUR" },
    });
    expect(verifyOfferToken(offer.offerId, TEST_SHOP)).toMatchObject({
      productId: KETTLE,
      discountPercent: 10,
    });
    expect(offer.offerId.length).toBeLessThanOrEqual(64);
    // The extension shows the code's price and can apply the code.
    expect(parseOffersResponse({ offers: [offer] })?.offers[0]?.discount).toEqual({
      code: offer.discount.code,
      percent: 10,
      price: { amount: 11.25, currencyCode: "EUR" },
    });

    const [code] = await issued();
    expect(code).toMatchObject({
      code: offer.discount.code,
      issuedTo: customerKey(TEST_SHOP, "7001"),
      offerId: offer.offerId,
      percent: 10,
    });
    expect(code!.issuedValue?.toString()).toBe("1.25");
  });

  it("gives the same shopper the same code again, never a second one, even asked at once", async () => {
    const first = await firstOffer("7002");
    const again = await firstOffer("7002");
    expect(again.discount).toEqual(first.discount);
    expect(verifyOfferToken(again.offerId, TEST_SHOP)?.discountPercent).toBe(10);

    const answers = await Promise.all(Array.from({ length: 20 }, () => firstOffer("7003")));
    const codes = new Set(answers.map((offer) => offer.discount?.code));
    expect(codes.size).toBe(1);
    expect([...codes][0]).toMatch(/^UP-TEST/);
    expect(await issued()).toHaveLength(2);
  });

  it("never gives a code to a guest, or to a storefront request even for a logged-in customer", async () => {
    const guest = await firstOffer();
    expect(guest.discount).toBeNull();
    expect(guest.discountedPrice).toBeNull();
    expect(verifyOfferToken(guest.offerId, TEST_SHOP)?.discountPercent).toBe(0);

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
        body,
      }),
    );
    expect(forged.status).toBe(401);
    expect(await issued()).toHaveLength(0);
  });

  it("never exceeds the monthly budget or hands one code to two shoppers, under 50 checkouts at once", async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => askOffers(String(8000 + i))));
    expect(answers.map((response) => response.status)).toEqual(Array(50).fill(200));
    const offers = await Promise.all(answers.map(async (response) => (await response.json()).offers[0]));
    const given = offers.filter((offer) => offer.discount).map((offer) => offer.discount.code);
    // 8 × 1.25 = 10.00, the whole budget; a ninth would exceed it.
    expect(given).toHaveLength(8);
    expect(new Set(given).size).toBe(8);
    const rows = await issued();
    expect(rows.map((row) => row.code).sort()).toEqual([...given].sort());
    expect(new Set(rows.map((row) => row.issuedTo)).size).toBe(8);
    expect(rows.reduce((sum, row) => sum + Number(row.issuedValue), 0)).toBe(10);
    for (const offer of offers.filter((o) => !o.discount))
      expect(verifyOfferToken(offer.offerId, TEST_SHOP)?.discountPercent).toBe(0);
  });

  it("answers without a discount, not an error, when the pool is empty, and asks for more codes", async () => {
    await stockPool(1);
    expect((await firstOffer("7006")).discount).not.toBeNull();
    const dry = await firstOffer("7007");
    expect(dry.discount).toBeNull();
    expect(dry.discountedPrice).toBeNull();
    expect(verifyOfferToken(dry.offerId, TEST_SHOP)?.discountPercent).toBe(0);

    const pool = await db().discountPool.findUnique({
      where: { shopId_productId_percent: { shopId, productId: KETTLE, percent: 10 } },
    });
    expect(pool).not.toBeNull();
    // The request asks for codes without waiting for the queue: wait for the job to appear.
    const job = await waitFor(async () => await queue("discounts").getJob(`discounts-${TEST_SHOP}`), 10_000);
    expect(job?.name).toBe("replenish-discount-codes");
    expect(job?.data).toEqual({ shopDomain: TEST_SHOP });
  });

  it("gives no code when discounts are off, the budget is spent, or the product is excluded", async () => {
    await setDiscounts({ ...DISCOUNTS, enabled: false });
    expect((await firstOffer("7008")).discount).toBeNull();
    await setDiscounts({ ...DISCOUNTS, monthlyBudget: 1 });
    expect((await firstOffer("7008")).discount).toBeNull();
    await setDiscounts({ ...DISCOUNTS, excludedProductIds: [KETTLE] });
    expect((await firstOffer("7008")).discount).toBeNull();
    expect(await issued()).toHaveLength(0);
  });

  it("gives no code for a product of a collection the merchant never discounts, and does once it leaves it", async () => {
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
    expect(await issued()).toHaveLength(0);

    // The next sync finds the kettle taken out of the collection.
    await replaceCollectionProducts(db(), { shopId, collectionId: KITCHEN, productIds: [POPULAR[1]!] });
    await announceServingChange(TEST_SHOP);
    expect((await firstOffer("7010")).discount).toMatchObject({ percent: 10 });
    await db().collectionProduct.deleteMany({});
  });

  it("never hands out an issued, expired or nearly expired code", async () => {
    await stockPool(3);
    await db().discountCode.updateMany({
      where: { code: "UP-TEST0000" },
      data: { status: "issued", issuedTo: "someone" },
    });
    await db().discountCode.updateMany({ where: { code: "UP-TEST0001" }, data: { status: "expired" } });
    await db().discountCode.updateMany({
      where: { code: "UP-TEST0002" },
      data: { expiresAt: new Date(Date.now() + 3_600_000) },
    });
    expect((await firstOffer("7009")).discount).toBeNull();
  });

  it("records the discount of each impression, and counts purchases of it per level for the policy", async () => {
    const discounted = await firstOffer("7010");
    const plain = await firstOffer();
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
          externalId: "bought-with-code",
          orderedAt: new Date().toISOString(),
          lines: [{ productId: KETTLE, offerId: discounted.offerId }],
        }),
      ],
    });
    const outcomes = await levelOutcomes(db(), { shopId, since: new Date(Date.now() - 86_400_000) });
    expect(outcomes.sort((a, b) => a.percent - b.percent)).toEqual([
      { productId: KETTLE, percent: 0, impressions: 1, takes: 0 },
      { productId: KETTLE, percent: 10, impressions: 1, takes: 1 },
    ]);
  });
});
