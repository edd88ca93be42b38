import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { verifyOfferToken } from "~/lib/offer-token.server";
import type { OrderSnapshot } from "~/lib/order-snapshot";
import { upsertOrderBatch } from "~/models/orders.server";
import { action as eventsAction } from "~/routes/api.checkout.events";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { announceServingChange } from "~/serving/serving.server";
import type { DiscountHistory } from "~ml";
import { discountSettings, POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { logDiscountOutcomes } from "../helpers/discount-outcomes";
import { offeredNoDiscount } from "../helpers/discount-slice";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken } from "../helpers/shopify";

isolateIntegration();

const DAY_MS = 86_400_000;
/** A product no catalog holds: the customers' orders below leave the offers' popularity as it is. */
const ELSEWHERE = "8000000000001";
const SHOPIFY_DISCOUNT = "gid://shopify/DiscountAutomaticNode/1";
// Every shopper is served: these tests are about discounts, not the experiment's holdout.
const NO_HOLDOUT = { holdoutPercent: 0 };

/**
 * A returning customer's orders of the last three weeks, newest three days ago, each with the total
 * discount Shopify reported ("0.00": none), or, for an order file's, none known (null).
 */
type PastOrder = { source: "shopify"; totalDiscounts: string; ours?: string } | { source: "csv" };
const shopify = (totalDiscounts: string, ours?: string): PastOrder => ({
  source: "shopify",
  totalDiscounts,
  ours,
});
const FROM_FILE: PastOrder = { source: "csv" };

/** Logged-in customers, each with their past orders, and the discount history they read as. */
const SHOPPERS: Record<string, { orders: PastOrder[]; history: DiscountHistory | null }> = {
  // Two of three orders carried a discount.
  "7400000000001": { orders: [shopify("4.00"), shopify("0.00"), shopify("1.50")], history: "mostly" },
  "7400000000002": { orders: [shopify("0.00"), shopify("0.00"), shopify("0.00")], history: "never" },
  "7400000000003": { orders: [shopify("0.00"), shopify("2.00"), shopify("0.00")], history: "sometimes" },
  // An order file says nothing of discounts.
  "7400000000004": { orders: [FROM_FILE, FROM_FILE], history: null },
  // Only the Shopify order's discount is known: one of one, whatever the file's orders had.
  "7400000000005": { orders: [shopify("3.00"), FROM_FILE, FROM_FILE], history: "mostly" },
  // The only discount was our own offer's: it says nothing of the shopper, and must not feed itself.
  "7400000000006": { orders: [shopify("2.00", "2.00"), shopify("0.00")], history: "never" },
  // An offer line whose discount was not recorded (the history import does not read it) may hide ours.
  "7400000000007": { orders: [shopify("2.00", "unrecorded"), shopify("0.00")], history: "never" },
};

/** The outcome customers: four who mostly had a discount, four who never did. */
const MOSTLY = Array.from({ length: 4 }, (_, i) => String(7_410_000_000_001 + i));
const NEVER = Array.from({ length: 4 }, (_, i) => String(7_420_000_000_001 + i));

function customerOrders(domain: string, customers: Record<string, PastOrder[]>) {
  const now = Date.now();
  const bySource = { shopify: [] as OrderSnapshot[], csv: [] as OrderSnapshot[] };
  for (const [customerId, orders] of Object.entries(customers)) {
    orders.forEach((order, n) => {
      bySource[order.source].push(
        buildOrder({
          externalId: `customer-${customerId}-${n}`,
          customerKey: customerKey(domain, customerId),
          orderedAt: new Date(now - (3 + 8 * n) * DAY_MS).toISOString(),
          lines: [
            {
              productId: ELSEWHERE,
              unitPrice: "20.00",
              offerId: order.source === "shopify" && order.ours ? `offer-${customerId}-${n}` : null,
              offerDiscount:
                order.source === "shopify" && order.ours !== "unrecorded" ? (order.ours ?? null) : null,
            },
          ],
          totalDiscounts: order.source === "shopify" ? order.totalDiscounts : null,
        }),
      );
    });
  }
  return bySource;
}

/**
 * A shop of its own per test (the policy reads a shop's outcomes once and reuses them for a minute),
 * its customers' orders in place before the first checkout asks.
 */
async function openShop(domain: string, customers: Record<string, PastOrder[]>, settings: object) {
  const { shopId } = await seedOfferShop(db(), domain);
  const bySource = customerOrders(domain, customers);
  await upsertOrderBatch(db(), { shopId, source: "shopify", orders: bySource.shopify });
  await upsertOrderBatch(db(), { shopId, source: "csv", orders: bySource.csv });
  await db().shop.update({
    where: { domain },
    data: {
      settings: { maxOffers: 1, experiment: NO_HOLDOUT, ...settings },
      offerDiscountId: SHOPIFY_DISCOUNT,
    },
  });
  await announceServingChange(domain);
  return { shopId };
}

let checkouts = 0;
/** Each request from an address of its own, so no rate limit of another request applies. */
function context() {
  checkouts += 1;
  return { clientAddress: `198.51.100.${checkouts % 250}` };
}

/** The one offer a logged-in customer's checkout is served. */
async function serveOffer(domain: string, customerId: string) {
  const request = checkoutRequest("/api/checkout/offers", {
    token: await checkoutToken({ shop: domain, customerId }),
    body: { cart: { lines: [] }, locale: "en", surface: "checkout" },
  });
  const response = await callRoute(offersAction, request, {}, context());
  expect(response.status).toBe(200);
  const { offers } = await response.json();
  expect(offers).toHaveLength(1);
  return offers[0] as { offerId: string; productId: string; discount: { percent: number } | null };
}

/** The extension reports that the customer saw the offer. */
async function reportImpression(domain: string, customerId: string, offerId: string) {
  const request = checkoutRequest("/api/checkout/events", {
    token: await checkoutToken({ shop: domain, customerId }),
    body: { events: [{ type: "impression", offerId, surface: "checkout", at: new Date().toISOString() }] },
  });
  const response = await callRoute(eventsAction, request, {}, context());
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ accepted: 1, rejected: 0 });
}

describe("a shopper's discount history", () => {
  it("is signed into their offer ids and stored with the offers' events", async () => {
    const shop = "history-signed.myshopify.com";
    const orders = Object.fromEntries(Object.entries(SHOPPERS).map(([id, { orders }]) => [id, orders]));
    const { shopId } = await openShop(shop, orders, {});

    for (const [customerId, { history }] of Object.entries(SHOPPERS)) {
      const offer = await serveOffer(shop, customerId);
      expect(verifyOfferToken(offer.offerId, shop), customerId).toMatchObject({
        segment: "returning",
        discountHistory: history,
      });
      await reportImpression(shop, customerId, offer.offerId);
      const stored = await db().offerEvent.findMany({
        where: { shopId, customerKey: customerKey(shop, customerId) },
        select: { offerId: true, type: true, segment: true, discountHistory: true },
      });
      expect(stored, customerId).toEqual([
        { offerId: offer.offerId, type: "impression", segment: "returning", discountHistory: history },
      ]);
    }
  });

  it("decides the discount: those who mostly had one get 10%, those who never did none", async () => {
    const shop = "history-discounts.myshopify.com";
    const orders = Object.fromEntries([
      ...MOSTLY.map((id) => [id, [shopify("2.00"), shopify("3.00"), shopify("0.00")]]),
      ...NEVER.map((id) => [id, [shopify("0.00"), shopify("0.00"), shopify("0.00")]]),
    ]);
    const { shopId } = await openShop(shop, orders, {
      // Too few outcomes leave a shopper at the default, no discount: any discount comes from the outcomes.
      discounts: { ...discountSettings(1_000), maxPercent: 10, defaultPercent: 0 },
    });
    await logDiscountOutcomes(
      { shopId, shopDomain: shop },
      OFFERED.flatMap((productId) =>
        Object.entries(OUTCOMES).flatMap(([history, levels]) =>
          levels.map(([percent, impressions, takes]) => ({
            productId,
            segment: "returning" as const,
            discountHistory: history as DiscountHistory,
            percent,
            impressions,
            takes,
          })),
        ),
      ),
      { unitPrice: "10.00" },
    );

    const served = async (customerIds: string[]) => {
      const answers = [];
      for (const customerId of customerIds) {
        const offer = await serveOffer(shop, customerId);
        expect(OFFERED.map((id) => `gid://shopify/Product/${id}`)).toContain(offer.productId);
        answers.push({
          discountHistory: verifyOfferToken(offer.offerId, shop)?.discountHistory,
          percent: offer.discount?.percent ?? 0,
        });
      }
      return answers;
    };
    // What each customer is served: their history's discount, but none in the experiment's no-discount slice.
    const each = (customerIds: string[], expected: { discountHistory: DiscountHistory; percent: number }) =>
      customerIds.map((customerId) =>
        offeredNoDiscount(shop, NO_HOLDOUT, { customerId }) ? { ...expected, percent: 0 } : expected,
      );

    const mostly = each(MOSTLY, { discountHistory: "mostly", percent: 10 });
    // Some of them are outside the slice, or the test would prove nothing.
    expect(mostly.some(({ percent }) => percent === 10)).toBe(true);
    expect(await served(MOSTLY)).toEqual(mostly);
    expect(await served(NEVER)).toEqual(each(NEVER, { discountHistory: "never", percent: 0 }));
  });
});

/** The products whose offers' outcomes are logged: prices 12.50 and 10.00, half their price a cost. */
const OFFERED = POPULAR.slice(0, 4);

/** Outcomes of a product's offers to returning customers at one discount level: [percent, impressions, takes]. */
type Level = readonly [percent: number, impressions: number, takes: number];
const OUTCOMES: Record<"mostly" | "never", Level[]> = {
  // Three times as many takes at 10% off as without: the discount pays.
  mostly: [
    [0, 1_000, 100],
    [5, 1_000, 150],
    [10, 1_000, 300],
  ],
  // As many at every level: a discount only costs margin.
  never: [
    [0, 1_000, 600],
    [5, 1_000, 600],
    [10, 1_000, 600],
  ],
};
