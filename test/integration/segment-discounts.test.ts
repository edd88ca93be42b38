import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { verifyOfferToken } from "~/lib/offer-token.server";
import type { OrderSnapshot } from "~/lib/order-snapshot";
import type { Segment } from "~/lib/segments";
import { DiscountSettingsSchema } from "~/lib/shop-settings";
import { upsertOrderBatch } from "~/models/orders.server";
import { action } from "~/routes/api.checkout.offers";
import { explainOfferDiscounts } from "~/services/offer-discounts.server";
import { announceServingChange } from "~/serving/serving.server";
import { discountSettings, POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { logDiscountOutcomes } from "../helpers/discount-outcomes";
import { offeredNoDiscount } from "../helpers/discount-slice";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken } from "../helpers/shopify";

isolateIntegration();

const DAY_MS = 86_400_000;
/** The offered product: 12.50 EUR, whose cost is taken as half its price. */
const KETTLE = POPULAR[0]!;
/** A product no catalog holds: the customers' orders below leave the offers' popularity as it is. */
const ELSEWHERE = "8000000000001";
const SHOPIFY_DISCOUNT = "gid://shopify/DiscountAutomaticNode/1";
// Every shopper is served: these tests are about discounts, not the experiment's holdout.
const NO_HOLDOUT = { holdoutPercent: 0 };

/** Customers who spent 5 to 200 each in the last weeks, and five who spent 1000: the top tenth. */
const REGULARS = Array.from({ length: 40 }, (_, i) => String(7_300_000_000_001 + i));
const VIPS = Array.from({ length: 5 }, (_, i) => String(7_310_000_000_001 + i));
/** Logged in, without any order yet. */
const NEWCOMERS = Array.from({ length: 3 }, (_, i) => String(7_320_000_000_001 + i));
const GUESTS: Array<string | null> = Array.from({ length: 5 }, () => null);

/** Outcomes of the kettle's offers at one discount level: [percent, impressions, takes]. */
type Level = readonly [percent: number, impressions: number, takes: number];

/** VIPs take the kettle 95 times in 100 whatever its discount: a discount only costs margin. */
const VIP_INDIFFERENT: Level[] = [
  [0, 200, 190],
  [5, 200, 190],
  [10, 200, 190],
];
/** Guests seldom take it without a discount, and half of them take it at 10% off. */
const GUEST_RESPONSIVE: Level[] = [
  [0, 300, 15],
  [5, 300, 30],
  [10, 300, 150],
];

interface ShopSetup {
  /** the kettle's logged outcomes per segment the offers were served in */
  outcomes: Partial<Record<Segment, Level[]>>;
  maxPercent: number;
  /** each segment's largest discount, where the merchant set one */
  segments?: Partial<Record<Segment, { maxDiscountPercent: number }>>;
}

let checkouts = 0;

/**
 * A shop of its own per test: the policy reads a shop's outcomes once and reuses them for a minute,
 * and the shop's segment thresholds are read from its orders at most hourly. Its customers' orders
 * and the kettle's outcomes are in place before the first checkout asks.
 */
async function openShop(domain: string, { outcomes, maxPercent, segments = {} }: ShopSetup) {
  const { shopId } = await seedOfferShop(db(), domain);
  await upsertOrderBatch(db(), { shopId, source: "shopify", orders: customerOrders(domain) });
  await logDiscountOutcomes(
    { shopId, shopDomain: domain },
    Object.entries(outcomes).flatMap(([segment, levels]) =>
      levels.map(([percent, impressions, takes]) => ({
        productId: KETTLE,
        segment: segment as Segment,
        percent,
        impressions,
        takes,
      })),
    ),
  );
  await setSettings(domain, { maxPercent, segments });
}

async function setSettings(domain: string, { maxPercent, segments = {} }: Omit<ShopSetup, "outcomes">) {
  await db().shop.update({
    where: { domain },
    data: {
      settings: {
        maxOffers: 1,
        // Too few outcomes leave a shopper at the default, no discount: any discount comes from the outcomes.
        discounts: { ...discountSettings(1_000), maxPercent, defaultPercent: 0 },
        experiment: NO_HOLDOUT,
        segments,
      },
      offerDiscountId: SHOPIFY_DISCOUNT,
    },
  });
  await announceServingChange(domain);
}

function customerOrders(domain: string): OrderSnapshot[] {
  const now = Date.now();
  const order = (customerId: string, daysAgo: number, unitPrice: string) =>
    buildOrder({
      externalId: `customer-${customerId}`,
      customerKey: customerKey(domain, customerId),
      orderedAt: new Date(now - daysAgo * DAY_MS).toISOString(),
      lines: [{ productId: ELSEWHERE, unitPrice }],
    });
  return [
    ...REGULARS.map((customerId, i) => order(customerId, 5 + (i % 20), (5 * (i + 1)).toFixed(2))),
    ...VIPS.map((customerId) => order(customerId, 3, "1000.00")),
  ];
}

/**
 * The discount each shopper's checkout is offered on the kettle, with the segment its offer id was
 * served in. The policy samples per shopper, product and day, so each shopper is one draw.
 */
async function servedDiscounts(domain: string, customerIds: ReadonlyArray<string | null>) {
  const served = [];
  for (const customerId of customerIds) {
    const token = await checkoutToken({ shop: domain, customerId: customerId ?? undefined });
    // A guest's checkout key, outside the no-discount slice: any checkout's would do.
    let unitKey = `checkout-${++checkouts}`;
    while (!customerId && offeredNoDiscount(domain, NO_HOLDOUT, { unitKey }))
      unitKey = `checkout-${++checkouts}`;
    const body = { cart: { lines: [] }, locale: "en", surface: "checkout", unitKey };
    const response = await callRoute(action, checkoutRequest("/api/checkout/offers", { token, body }));
    expect(response.status).toBe(200);
    const { offers } = await response.json();
    expect(offers).toHaveLength(1);
    expect(offers[0].productId).toBe(`gid://shopify/Product/${KETTLE}`);
    served.push({
      segment: verifyOfferToken(offers[0].offerId, domain)?.segment,
      percent: offers[0].discount?.percent ?? 0,
    });
  }
  return served;
}

/** What each shopper is served: the segment's discount, but none in the experiment's no-discount slice. */
const each = (
  domain: string,
  customerIds: ReadonlyArray<string | null>,
  served: { segment: Segment; percent: number },
) =>
  customerIds.map((customerId) =>
    customerId && offeredNoDiscount(domain, NO_HOLDOUT, { customerId }) ? { ...served, percent: 0 } : served,
  );

describe("discounts per shopper segment", () => {
  it("learns the discount per segment once a segment has enough of its own outcomes", async () => {
    const shop = "segments-learned.myshopify.com";
    await openShop(shop, { outcomes: { vip: VIP_INDIFFERENT, guest: GUEST_RESPONSIVE }, maxPercent: 10 });

    // 600 impressions of their own: VIPs get what their outcomes say, no discount.
    expect(await servedDiscounts(shop, VIPS)).toEqual(each(shop, VIPS, { segment: "vip", percent: 0 }));
    expect(await servedDiscounts(shop, GUESTS)).toEqual(
      each(shop, GUESTS, { segment: "guest", percent: 10 }),
    );
    // Segments without outcomes of their own learn from everyone's, where 10% off pays: the best
    // estimate is 10% off, while each shopper's dice may try another level to learn the segment's own.
    const { id: shopId } = await db().shop.findUniqueOrThrow({ where: { domain: shop } });
    const estimate = async (segment: Segment) => {
      const [note] = await explainOfferDiscounts(db(), [
        {
          shopId,
          shopDomain: shop,
          settings: DiscountSettingsSchema.parse({
            ...discountSettings(1_000),
            maxPercent: 10,
            defaultPercent: 0,
          }),
          segment,
          discountHistory: null,
          excludedByCollection: new Set(),
          productId: KETTLE,
          price: "12.50",
          productType: null,
          unitCost: null,
        },
      ]);
      return note!;
    };
    expect((await estimate("first-order")).percent).toBe(10);
    expect((await estimate("returning")).percent).toBe(10);
    expect((await estimate("vip")).percent).toBe(0);
    for (const served of await servedDiscounts(shop, NEWCOMERS)) {
      expect(served.segment).toBe("first-order");
      expect([0, 5, 10]).toContain(served.percent);
    }
  });

  it("a segment's largest discount caps the shopper's discount", async () => {
    const shop = "segments-capped.myshopify.com";
    // Returning customers' outcomes, which guests and newcomers pool: each deeper discount pays more.
    const deeperPaysMore: Level[] = [
      [0, 300, 3],
      [5, 300, 30],
      [10, 300, 150],
      [15, 300, 225],
      [20, 300, 295],
    ];
    // A newcomer's cap above the shop's cannot raise it: the segment can only lower the shop's.
    const newcomersAbove = { "first-order": { maxDiscountPercent: 30 } };
    await openShop(shop, {
      outcomes: { returning: deeperPaysMore },
      maxPercent: 15,
      segments: newcomersAbove,
    });
    expect(await servedDiscounts(shop, GUESTS)).toEqual(
      each(shop, GUESTS, { segment: "guest", percent: 15 }),
    );

    await setSettings(shop, {
      maxPercent: 15,
      segments: { ...newcomersAbove, guest: { maxDiscountPercent: 5 } },
    });
    expect(await servedDiscounts(shop, GUESTS)).toEqual(each(shop, GUESTS, { segment: "guest", percent: 5 }));
    expect(await servedDiscounts(shop, NEWCOMERS)).toEqual(
      each(shop, NEWCOMERS, { segment: "first-order", percent: 15 }),
    );
  });
});
