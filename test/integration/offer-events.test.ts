import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { customerKey } from "~/lib/customer-key.server";
import { signOfferToken } from "~/lib/offer-token.server";
import { action as eventsAction, loader as eventsLoader } from "~/routes/api.checkout.events";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { action as webhookAction } from "~/routes/webhooks.$";
import { offerReport } from "~/services/offer-report.server";
import { redactCustomer } from "~/services/privacy.server";
import { recordOfferEvents } from "~/services/record-offer-events.server";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP, webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();
process.env.OFFER_EVENTS_PER_MINUTE = "5";
// Wide enough that requests sent together share a batch on a loaded test machine.
process.env.OFFER_EVENTS_FLUSH_MS = "50";

let shopId: string;
let workers: RunningWorkers;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
  workers = await startWorkers({ queues: ["ingest"], concurrency: 1 });
});
afterAll(async () => {
  await workers.close();
});

interface Offer {
  offerId: string;
  productId: string;
}

async function serveOffers(surface = "checkout"): Promise<Offer[]> {
  const request = checkoutRequest("/api/checkout/offers", {
    token: await checkoutToken(),
    body: { cart: { lines: [] }, locale: "en", surface },
  });
  const response = await callRoute(offersAction, request);
  expect(response.status).toBe(200);
  return (await response.json()).offers;
}

let address = 0;
/** Posts events as a guest from a fresh address (or as `customerId`), so limits of other tests never apply. */
async function postEvents(body: unknown, { customerId }: { customerId?: string } = {}) {
  const request = checkoutRequest("/api/checkout/events", {
    token: await checkoutToken({ customerId }),
    body,
  });
  address += 1;
  return callRoute(eventsAction, request, {}, { clientAddress: `198.51.100.${address}` });
}

const event = (type: string, offerId: string, surface = "checkout") => ({
  type,
  offerId,
  surface,
  at: new Date().toISOString(),
});

describe("POST /api/checkout/events", () => {
  it("stores events of served offers and refuses the others one by one", async () => {
    const [first] = await serveOffers();
    const product = POPULAR[0]!;
    const sign = (overrides: Partial<Parameters<typeof signOfferToken>[0]>, secret?: string) =>
      signOfferToken(
        { shopDomain: TEST_SHOP, productId: product, modelVersion: null, surface: "checkout", ...overrides },
        secret,
      );
    const events = [
      event("impression", first!.offerId),
      event("click", "off_3f9a2c"),
      event("click", sign({}, "not-the-app-secret")),
      event("click", sign({ shopDomain: "other-shop.myshopify.com" })),
      event("click", first!.offerId, "thank-you"),
      event("click", sign({ servedAt: new Date(Date.now() - 2 * 86_400_000) })),
    ];
    const response = await postEvents({ events });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await response.json()).toEqual({
      accepted: 1,
      rejected: 5,
      errors: [
        { index: 1, message: "offerId is not an offer served to this shop" },
        { index: 2, message: "offerId is not an offer served to this shop" },
        { index: 3, message: "offerId is not an offer served to this shop" },
        { index: 4, message: "surface does not match the offer's (checkout)" },
        { index: 5, message: "offerId has expired" },
      ],
    });
    const stored = await db().offerEvent.findMany({ where: { shopId } });
    expect(stored).toEqual([
      expect.objectContaining({
        offerId: first!.offerId,
        productId: product,
        modelVersion: null,
        surface: "checkout",
        type: "impression",
        customerKey: null,
      }),
    ]);

    // A batch sent again (a retry) is accepted and stored once.
    const again = await postEvents({ events: events.slice(0, 1) });
    expect((await again.json()).accepted).toBe(1);
    expect(await db().offerEvent.count({ where: { shopId } })).toBe(1);
  });

  it("answers bad input with 400 naming the field, and an oversized body with 413", async () => {
    const [offer] = await serveOffers();
    const cases: Array<[unknown, RegExp]> = [
      [
        { events: [event("view", offer!.offerId)] },
        /events\.0\.type: must be one of impression, click, add, remove/,
      ],
      [{ events: [] }, /events: must have at least one event/],
      [
        { events: Array(51).fill(event("impression", offer!.offerId)) },
        /events: must have at most 50 events/,
      ],
      [{ events: [{ ...event("click", offer!.offerId), at: "yesterday" }] }, /events\.0\.at/],
    ];
    for (const [body, message] of cases) {
      const response = await postEvents(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toMatch(message);
    }
    const huge = await postEvents({ events: [event("click", "x".repeat(40_000))] });
    expect(huge.status).toBe(413);
  });

  it("limits each shopper to OFFER_EVENTS_PER_MINUTE requests, with Retry-After", async () => {
    const [offer] = await serveOffers();
    const body = { events: [event("impression", offer!.offerId)] };
    for (let n = 0; n < 5; n++) {
      expect((await postEvents(body, { customerId: "4001" })).status).toBe(200);
    }
    const limited = await postEvents(body, { customerId: "4001" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await limited.json()).error.code).toBe("RATE_LIMITED");
    // Bad bodies count too: the limit is checked before the body is read.
    expect((await postEvents("not even an object", { customerId: "4001" })).status).toBe(429);
    // Another customer, and guests (by address), have their own windows.
    expect((await postEvents(body, { customerId: "4002" })).status).toBe(200);
    expect((await postEvents(body)).status).toBe(200);
  });

  it("writes the events of requests sent together in a few statements, each stored before its answer", async () => {
    // Counts INSERT statements on the events table, as the database sees them.
    await db().$executeRawUnsafe(`CREATE TABLE "OfferEventStatement" (at timestamptz DEFAULT now())`);
    await db().$executeRawUnsafe(
      `CREATE FUNCTION count_offer_event_statement() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN INSERT INTO "OfferEventStatement" DEFAULT VALUES; RETURN NULL; END $$`,
    );
    await db().$executeRawUnsafe(
      `CREATE TRIGGER count_offer_event_statement AFTER INSERT ON "OfferEvent"
       FOR EACH STATEMENT EXECUTE FUNCTION count_offer_event_statement()`,
    );
    try {
      const offers = await serveOffers();
      const requests = 20;
      const bodies = Array.from({ length: requests }, (_, n) => ({
        events: [event(["impression", "click", "add", "remove"][n % 4]!, offers[n % offers.length]!.offerId)],
      }));
      const before = await db().offerEvent.count({ where: { shopId } });
      const answers = await Promise.all(
        bodies.map(async (body) => {
          const response = await postEvents(body);
          // Acknowledged means stored: the row is there when the answer arrives.
          const stored = await db().offerEvent.count({
            where: { shopId, offerId: body.events[0]!.offerId, type: body.events[0]!.type },
          });
          return { status: response.status, accepted: (await response.json()).accepted, stored };
        }),
      );
      expect(
        answers.every((answer) => answer.status === 200 && answer.accepted === 1 && answer.stored === 1),
      ).toBe(true);
      const distinct = new Set(bodies.map((body) => `${body.events[0]!.offerId}|${body.events[0]!.type}`));
      expect(await db().offerEvent.count({ where: { shopId } })).toBeLessThanOrEqual(before + distinct.size);
      const [counted] = await db().$queryRawUnsafe<Array<{ statements: number }>>(
        `SELECT count(*)::int AS statements FROM "OfferEventStatement"`,
      );
      expect(counted?.statements).toBeGreaterThan(0);
      expect(counted?.statements).toBeLessThanOrEqual(requests / 5);
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER count_offer_event_statement ON "OfferEvent"`);
    }
  });

  it("refuses an uninstalled shop's events without failing another shop's sent with them", async () => {
    const gone = "gone-shop.myshopify.com";
    await seedOfferShop(db(), gone);
    await db().shop.update({ where: { domain: gone }, data: { uninstalledAt: new Date() } });
    const [offer] = await serveOffers();
    const at = new Date().toISOString();
    const goneOffer = signOfferToken({
      shopDomain: gone,
      productId: POPULAR[0]!,
      modelVersion: null,
      surface: "checkout",
      servedAt: new Date(Date.now() - 60_000),
    });
    const [refused, stored] = await Promise.allSettled([
      recordOfferEvents({
        shopDomain: gone,
        customerKey: null,
        events: [{ type: "impression", offerId: goneOffer, surface: "checkout", at }],
      }),
      recordOfferEvents({
        shopDomain: TEST_SHOP,
        customerKey: null,
        events: [{ type: "add", offerId: offer!.offerId, surface: "checkout", at }],
      }),
    ]);
    expect(refused).toMatchObject({ status: "rejected", reason: { code: "NOT_FOUND" } });
    expect(stored).toMatchObject({ status: "fulfilled", value: { accepted: 1 } });
    expect(await db().offerEvent.count({ where: { offerId: goneOffer } })).toBe(0);
    const row = await db().offerEvent.findFirstOrThrow({ where: { offerId: offer!.offerId, type: "add" } });
    expect(row.occurredAt.toISOString()).toBe(at);
  });

  it("answers the CORS preflight in the loader", async () => {
    const preflight = checkoutRequest("/api/checkout/events", { method: "OPTIONS" });
    const response = await callRoute(eventsLoader, preflight);
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("forgets a customer's events when they are redacted", async () => {
    const [offer] = await serveOffers();
    await postEvents({ events: [event("click", offer!.offerId)] }, { customerId: "4003" });
    const key = customerKey(TEST_SHOP, "4003");
    expect(await db().offerEvent.count({ where: { customerKey: key } })).toBe(1);
    await db().$transaction((tx) => redactCustomer(tx, { shopId, customerKey: key, orderIds: [] }));
    expect(await db().offerEvent.count({ where: { customerKey: key } })).toBe(0);
  });
});

describe("the offer report", () => {
  it("attributes a purchase carrying a served offer id, net of refunds, and never a forged one", async () => {
    const since = new Date();
    const [kettle, second] = await serveOffers("cart-line-list");
    const accepted = await postEvents({
      events: [
        event("impression", kettle!.offerId, "cart-line-list"),
        event("impression", second!.offerId, "cart-line-list"),
        event("click", kettle!.offerId, "cart-line-list"),
        event("add", kettle!.offerId, "cart-line-list"),
      ],
    });
    expect((await accepted.json()).accepted).toBe(4);

    const forged = signOfferToken(
      { shopDomain: TEST_SHOP, productId: POPULAR[4]!, modelVersion: null, surface: "cart-line-list" },
      "not-the-app-secret",
    );
    const numeric = (gid: string) => Number(gid.split("/").pop());
    const lineItem = (id: number, productId: number, offerId: string, quantity = 1, current = quantity) => ({
      id,
      product_id: productId,
      variant_id: productId * 10 + 1,
      title: "Offered",
      quantity,
      current_quantity: current,
      price: "12.50",
      properties: [{ name: "_upsell_offer", value: offerId }],
    });
    const placedAt = new Date().toISOString();
    const order = {
      ...webhookFixture("orders-create"),
      id: 9_100_000_001,
      created_at: placedAt,
      updated_at: placedAt,
      currency: "EUR",
      line_items: [
        // Two added from the offer, one of them since removed from the order.
        lineItem(1, numeric(kettle!.productId), kettle!.offerId, 2, 1),
        lineItem(2, Number(POPULAR[4]), forged),
        // A real offer id copied onto another product.
        lineItem(3, Number(POPULAR[5]), second!.offerId),
        lineItem(4, Number(POPULAR[6]), "off_3f9a2c"),
      ],
    };
    const eventId = crypto.randomUUID();
    const delivered = await callRoute(
      webhookAction,
      webhookRequest({ topic: "orders/create", payload: order, eventId }),
    );
    expect(delivered.status).toBe(200);
    await waitFor(async () => {
      const delivery = await db().webhookDelivery.findFirst({ where: { eventId } });
      return delivery?.status === "processed";
    });

    const report = await offerReport(db(), { shopDomain: TEST_SHOP, since });
    expect(report.currency).toBe("EUR");
    expect(report.unattributedLines).toBe(3);
    expect(report.rows).toEqual([
      {
        productId: String(numeric(kettle!.productId)),
        title: "Pour-over Kettle",
        modelVersion: null,
        surface: "cart-line-list",
        impressions: 1,
        clicks: 1,
        adds: 1,
        removes: 0,
        clickRate: 1,
        purchases: 1,
        takeRate: 1,
        revenue: "12.50",
        discountCost: "0.00",
      },
      expect.objectContaining({
        productId: String(numeric(second!.productId)),
        impressions: 1,
        clicks: 0,
        clickRate: 0,
        purchases: 0,
        takeRate: 0,
        revenue: "0.00",
      }),
    ]);
  });
});
