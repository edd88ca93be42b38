import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { type AppServer, ensureBuild, startAppServer } from "../helpers/app-server";
import { isolateIntegration } from "../helpers/integration";
import { BROWSER_UA, checkoutToken, EXTENSION_ORIGIN, TEST_SHOP } from "../helpers/shopify";

/**
 * server.mjs calls the checkout API routes directly, outside Express and Remix, in worker
 * processes: over real HTTP they must answer exactly as the routes do.
 */
describe("the production server", () => {
  const context = isolateIntegration();
  let server: AppServer;

  beforeAll(async () => {
    ensureBuild();
    await seedOfferShop(db(), TEST_SHOP);
    server = await startAppServer({
      DATABASE_URL: context.databaseUrl,
      REDIS_URL: context.redisUrl,
      QUEUE_PREFIX: context.queuePrefix,
      WEB_CONCURRENCY: "2",
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const post = async (path: string, body: string, token?: string) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        "User-Agent": BROWSER_UA,
        Origin: EXTENSION_ORIGIN,
        "Content-Type": "application/json",
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body,
    });
  const offersBody = JSON.stringify({
    cart: { lines: [] },
    locale: "fr-FR",
    currency: "EUR",
    surface: "checkout",
  });

  it("serves checkouts their offers with CORS headers", async () => {
    const token = await checkoutToken();
    // Several at once, spread over the workers.
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => post("/api/checkout/offers", offersBody, token)),
    );
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
      const answer = await response.json();
      expect(answer.offers.map((offer: { productId: string }) => offer.productId)).toEqual(
        POPULAR.slice(0, 3).map((id) => `gid://shopify/Product/${id}`),
      );
      expect(answer.offers[0].reason).toBe("Populaire en ce moment");
    }
  });

  it("answers the CORS preflight and refuses forged tokens and bad bodies with CORS headers", async () => {
    const preflight = await fetch(`${server.url}/api/checkout/offers`, {
      method: "OPTIONS",
      headers: {
        "User-Agent": BROWSER_UA,
        Origin: EXTENSION_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");

    const forged = await post(
      "/api/checkout/offers",
      offersBody,
      await checkoutToken({ secret: "not-ours" }),
    );
    expect(forged.status).toBe(401);
    expect(forged.headers.get("Access-Control-Allow-Origin")).toBe("*");

    const broken = await post("/api/checkout/offers", "{not json", await checkoutToken());
    expect(broken.status).toBe(400);
    expect(broken.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await broken.json()).error.message).toMatch(/JSON/i);

    const events = await post(
      "/api/checkout/events",
      JSON.stringify({ events: "none" }),
      await checkoutToken(),
    );
    expect(events.status).toBe(400);
    expect((await events.json()).error.message).toMatch(/events/);
  });

  it("leaves every other path to Remix", async () => {
    const response = await fetch(`${server.url}/api/checkout/unknown`, { redirect: "manual" });
    expect(response.status).toBe(404);
    const login = await fetch(`${server.url}/auth/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<html/i);
  });
});
