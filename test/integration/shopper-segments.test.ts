import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { customerKey } from "~/lib/customer-key.server";
import type { OrderSnapshot } from "~/lib/order-snapshot";
import { upsertOrderBatch } from "~/models/orders.server";
import { action as eventsAction } from "~/routes/api.checkout.events";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { loader as proxyLoader } from "~/routes/proxy.offers";
import { action as webhookAction } from "~/routes/webhooks.$";
import { flushExposures } from "~/services/experiment-arms.server";
import { announceServingChange } from "~/serving/serving.server";
import { seedOfferShop } from "../fixtures/offer-shop";
import { webhookFixture } from "../fixtures/webhooks";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import {
  appProxyRequest,
  checkoutRequest,
  checkoutToken,
  TEST_SHOP,
  webhookRequest,
} from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

const DAY_MS = 86_400_000;
/** A product no catalog holds: the customers' orders below leave the offers' popularity as it is. */
const ELSEWHERE = "8000000000001";

const WELCOME = "Welcome! Here is one pick for you";
const GUEST_EN = "Log in to see picks for you";
const GUEST_FR = "Connectez-vous pour des idées rien que pour vous";
const VIP = "Thank you for being one of our best customers";
const LAPSING = "We have missed you";
const LAPSED = "It has been a while: here is what is new";

/** Customers whose orders the shop holds before any checkout, and newcomers without any. */
const REGULARS = Array.from({ length: 30 }, (_, i) => String(7_200_000_000_001 + i));
const BIG_SPENDER = "7210000000001";
const FADING = "7210000000002";
const GONE = "7210000000003";
const NEWCOMER = "7220000000001";
const LATE_BUYER = "7220000000002";
const EVENT_BUYER = "7220000000003";
const FIRST_TIMER = "7220000000004";

let shopId: string;
let workers: RunningWorkers;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
  await upsertOrderBatch(db(), { shopId, source: "shopify", orders: customerOrders() });
  await db().shop.update({
    where: { id: shopId },
    data: {
      settings: {
        // Nobody is held out: every shopper here is served their segment's treatment.
        experiment: { holdoutPercent: 0 },
        segments: {
          guest: { maxOffers: 2, messages: { en: GUEST_EN, fr: GUEST_FR } },
          "first-order": { maxOffers: 1, messages: { en: WELCOME } },
          returning: { offers: false, messages: { en: "Never shown" } },
          vip: { maxOffers: 4, messages: { en: VIP } },
          lapsing: { maxOffers: 2, messages: { en: LAPSING } },
          lapsed: { maxOffers: 5, messages: { en: LAPSED } },
        },
      },
    },
  });
  await announceServingChange(TEST_SHOP);
  workers = await startWorkers({ queues: ["ingest"], concurrency: 1 });
});
afterAll(async () => {
  await workers.close();
});

/**
 * Orders that set the shop's own thresholds: 30 regulars ordered twice, 20 days apart (so a
 * customer is lapsing after 20 days and lapsed after 40, where the defaults say 90 and 180), and
 * spent 10 to 300 each (so the top tenth starts near 280). The big spender spent 1000 three days
 * ago; the fading customer last ordered 30 days ago, the gone one 60 days ago.
 */
function customerOrders(): OrderSnapshot[] {
  const now = Date.now();
  const order = (customerId: string, n: number, daysAgo: number, unitPrice: string) =>
    buildOrder({
      externalId: `customer-${customerId}-${n}`,
      customerKey: customerKey(TEST_SHOP, customerId),
      orderedAt: new Date(now - daysAgo * DAY_MS).toISOString(),
      lines: [{ productId: ELSEWHERE, unitPrice }],
    });
  return [
    ...REGULARS.flatMap((customerId, i) => [
      order(customerId, 1, 25, (5 * (i + 1)).toFixed(2)),
      order(customerId, 2, 5, (5 * (i + 1)).toFixed(2)),
    ]),
    order(BIG_SPENDER, 1, 3, "1000.00"),
    order(FADING, 1, 30, "20.00"),
    order(GONE, 1, 60, "20.00"),
  ];
}

let address = 0;
/** Each request from an address of its own, so no rate limit of another request applies. */
function context() {
  address += 1;
  return { clientAddress: `198.51.100.${address}` };
}

async function askOffers({ customerId, locale = "en" }: { customerId?: string; locale?: string } = {}) {
  const request = checkoutRequest("/api/checkout/offers", {
    token: await checkoutToken({ customerId }),
    body: { cart: { lines: [] }, locale, surface: "checkout" },
  });
  const response = await callRoute(offersAction, request, {}, context());
  expect(response.status).toBe(200);
  return response.json();
}

async function postEvents(offerIds: string[], { customerId, type }: { customerId?: string; type: string }) {
  const request = checkoutRequest("/api/checkout/events", {
    token: await checkoutToken({ customerId }),
    body: {
      events: offerIds.map((offerId) => ({
        type,
        offerId,
        surface: "checkout",
        at: new Date().toISOString(),
      })),
    },
  });
  const response = await callRoute(eventsAction, request, {}, context());
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ accepted: offerIds.length, rejected: 0 });
}

/**
 * The customer's orders/create as Shopify sends it (signed, with a new event id) to the webhook
 * route, placed now: after every serving state read so far. Resolves once the ingest worker has
 * applied it.
 */
async function orderArrives(customerId: string, orderId: number) {
  const fixture = webhookFixture<Record<string, unknown> & { customer: Record<string, unknown> }>(
    "orders-create",
  );
  const placed = new Date().toISOString();
  const payload = {
    ...fixture,
    id: orderId,
    admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
    created_at: placed,
    processed_at: placed,
    updated_at: placed,
    currency: "EUR",
    customer: {
      ...fixture.customer,
      id: Number(customerId),
      admin_graphql_api_id: `gid://shopify/Customer/${customerId}`,
    },
  };
  const eventId = crypto.randomUUID();
  const response = await callRoute(
    webhookAction,
    webhookRequest({ topic: "orders/create", payload, eventId }),
  );
  expect(response.status).toBe(200);
  const delivery = await waitFor(async () => {
    const found = await db().webhookDelivery.findFirst({ where: { eventId } });
    return found && found.status !== "pending" ? found : undefined;
  });
  expect(delivery.status).toBe("processed");
}

const NOTHING = { offers: [], modelVersion: null, experiment: null };

const offerIds = (answer: { offers: Array<{ offerId: string }> }) =>
  answer.offers.map((offer) => offer.offerId);

describe("shopper segments at checkout", () => {
  it("a customer's new order changes their segment and the offers' treatment in the next checkout", async () => {
    const first = await askOffers({ customerId: NEWCOMER });
    expect(first.offers).toHaveLength(1);
    expect(first.message).toBe(WELCOME);

    await orderArrives(NEWCOMER, 5_700_000_000_001);

    // Returning customers are shown nothing, outside the experiment, without the message.
    expect(await askOffers({ customerId: NEWCOMER })).toEqual(NOTHING);
  });

  it("gives a guest the guest treatment, with the message in the shopper's language or none", async () => {
    const english = await askOffers({ locale: "en" });
    expect(english.offers).toHaveLength(2);
    expect(english.message).toBe(GUEST_EN);

    const french = await askOffers({ locale: "fr-CA" });
    expect(french.offers).toHaveLength(2);
    expect(french.message).toBe(GUEST_FR);

    const german = await askOffers({ locale: "de" });
    expect(german.offers).toHaveLength(2);
    expect(german).not.toHaveProperty("message");
  });

  it("serves VIP, lapsing and lapsed customers by thresholds taken from the shop's own orders", async () => {
    const vip = await askOffers({ customerId: BIG_SPENDER });
    expect(vip.offers).toHaveLength(4);
    expect(vip.message).toBe(VIP);

    // 30 days without an order: lapsing here, where 3 in 4 repeat orders come within 20 days.
    const lapsing = await askOffers({ customerId: FADING });
    expect(lapsing.offers).toHaveLength(2);
    expect(lapsing.message).toBe(LAPSING);

    const lapsed = await askOffers({ customerId: GONE });
    expect(lapsed.offers).toHaveLength(5);
    expect(lapsed.message).toBe(LAPSED);

    // A recent regular below the VIP spend is returning.
    expect(await askOffers({ customerId: REGULARS[0] })).toEqual(NOTHING);
  });

  it("never sends the shopper's segment to the checkout or the storefront", async () => {
    const answers = [
      await askOffers(),
      await askOffers({ customerId: FIRST_TIMER }),
      await askOffers({ customerId: REGULARS[1] }),
      await askOffers({ customerId: BIG_SPENDER }),
      await askOffers({ customerId: FADING, locale: "fr" }),
      await askOffers({ customerId: GONE }),
    ];
    const proxied = await callRoute(
      proxyLoader,
      await appProxyRequest("/proxy/offers", { customerId: BIG_SPENDER }),
    );
    expect(proxied.status).toBe(200);
    answers.push(await proxied.json());
    for (const answer of answers) {
      expect(Object.keys(answer)).not.toContain("segment");
      for (const offer of answer.offers) expect(Object.keys(offer)).not.toContain("segment");
    }
  });

  it("stores offer events and experiment exposures with the segment the shopper was served in", async () => {
    const newcomer = await askOffers({ customerId: EVENT_BUYER });
    const vip = await askOffers({ customerId: BIG_SPENDER });
    const guest = await askOffers();
    await postEvents(offerIds(newcomer), { customerId: EVENT_BUYER, type: "impression" });
    await postEvents(offerIds(vip), { customerId: BIG_SPENDER, type: "impression" });
    await postEvents(offerIds(guest), { type: "impression" });

    const stored = await db().offerEvent.findMany({
      where: { shopId },
      select: { customerKey: true, segment: true },
    });
    const segmentsOf = (key: string | null) =>
      stored.filter((row) => row.customerKey === key).map((row) => row.segment);
    expect(segmentsOf(customerKey(TEST_SHOP, EVENT_BUYER))).toEqual(["first-order"]);
    expect(segmentsOf(customerKey(TEST_SHOP, BIG_SPENDER))).toEqual(["vip", "vip", "vip", "vip"]);
    expect(segmentsOf(null)).toEqual(["guest", "guest"]);

    await flushExposures();
    const exposures = await db().experimentExposure.findMany({
      where: {
        shopId,
        customerKey: { in: [customerKey(TEST_SHOP, EVENT_BUYER), customerKey(TEST_SHOP, BIG_SPENDER)] },
      },
      select: { customerKey: true, segment: true },
    });
    expect(exposures).toHaveLength(2);
    expect(exposures).toEqual(
      expect.arrayContaining([
        { customerKey: customerKey(TEST_SHOP, EVENT_BUYER), segment: "first-order" },
        { customerKey: customerKey(TEST_SHOP, BIG_SPENDER), segment: "vip" },
      ]),
    );
  });

  it("stores an offer's events with the segment it was served in when the order arrives before them", async () => {
    const served = await askOffers({ customerId: LATE_BUYER });
    expect(served.message).toBe(WELCOME);
    const [offer] = served.offers;

    // The shopper adds the offer and pays; the extension sends its queued events after the order
    // webhook, as it can on closing.
    await orderArrives(LATE_BUYER, 5_700_000_000_002);
    await postEvents([offer.offerId], { customerId: LATE_BUYER, type: "add" });

    const stored = await db().offerEvent.findMany({
      where: { shopId, customerKey: customerKey(TEST_SHOP, LATE_BUYER) },
      select: { type: true, segment: true },
    });
    expect(stored).toEqual([{ type: "add", segment: "first-order" }]);
  });
});
