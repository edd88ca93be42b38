import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { signOfferToken } from "~/lib/offer-token.server";
import { action } from "~/routes/api.checkout.events";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { isolateIntegration } from "../helpers/integration";
import { freePort } from "../helpers/redis-server";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP } from "../helpers/shopify";

// Nothing listens on this port: Redis is unreachable for the whole file.
isolateIntegration({ redisUrl: `redis://127.0.0.1:${await freePort()}` });
process.env.OFFER_EVENTS_PER_MINUTE = "1";

beforeAll(async () => {
  await seedOfferShop(db(), TEST_SHOP);
});

describe("the checkout APIs without Redis", () => {
  it("keeps storing events, unlimited, and answers within the rate limit's short timeout", async () => {
    const offerId = signOfferToken({
      shopDomain: TEST_SHOP,
      productId: POPULAR[0]!,
      modelVersion: null,
      surface: "checkout",
    });
    const body = { events: [{ type: "impression", offerId, surface: "checkout" }] };
    for (let n = 0; n < 3; n++) {
      const started = performance.now();
      const response = await callRoute(
        action,
        checkoutRequest("/api/checkout/events", { token: await checkoutToken(), body }),
      );
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
    expect(await db().offerEvent.count()).toBe(1);
  });

  it("serves a guest's offers, unlimited, after one short timeout of the offers limit", async () => {
    const body = { cart: { lines: [] }, locale: "en", surface: "checkout", unitKey: "c-1" };
    const token = await checkoutToken();
    for (let n = 0; n < 3; n++) {
      const started = performance.now();
      const response = await callRoute(
        offersAction,
        checkoutRequest("/api/checkout/offers", { token, body }),
      );
      expect(response.status).toBe(200);
      // Let in: the checkout key still places the guest in the experiment.
      expect((await response.json()).experiment).not.toBeNull();
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });
});
