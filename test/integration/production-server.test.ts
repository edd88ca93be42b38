import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { MAX_BODY_BYTES, MAX_WEBHOOK_BODY_BYTES } from "~/lib/body-limits";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { type AppServer, ensureBuild, postLargeBody, startAppServer } from "../helpers/app-server";
import { isolateIntegration } from "../helpers/integration";
import { BROWSER_UA, checkoutToken, EXTENSION_ORIGIN, TEST_SHOP, webhookRequest } from "../helpers/shopify";

/**
 * server.mjs serves every route, the checkout APIs included, through Express and Remix in worker
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
      // A small answer goes out whole and as it is: compressing it would cost more than it saves.
      expect(response.headers.get("Content-Encoding")).toBeNull();
      const text = await response.text();
      expect(Number(response.headers.get("Content-Length"))).toBe(Buffer.byteLength(text));
      const answer = JSON.parse(text);
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
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toMatch(/authorization/i);
    expect(await preflight.text()).toBe("");

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

  it("keeps the metrics endpoint off while no METRICS_TOKEN is set, whatever the request says", async () => {
    const tried: Array<Record<string, string>> = [
      {},
      { Authorization: "Bearer " },
      { Authorization: "Bearer anything-at-all-here-123" },
    ];
    for (const headers of tried) {
      const response = await fetch(`${server.url}/metrics`, { headers });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/cua_/);
    }
  });

  it("answers a POST to the app proxy with a clean 405 naming GET, in the APIs' error shape", async () => {
    const response = await fetch(`${server.url}/proxy/offers?shop=${TEST_SHOP}`, {
      method: "POST",
      headers: { "User-Agent": BROWSER_UA, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET");
    expect(await response.json()).toEqual({
      error: { code: "METHOD_NOT_ALLOWED", message: expect.stringMatching(/GET/) },
    });
  });

  describe("bodies over the limit", () => {
    const signedWebhook = async (size: number) => {
      // A signed order padded past the limit: Shopify's signature, so only the size refuses it.
      const padded = JSON.stringify({ id: 1, note: "x".repeat(size) });
      const signed = webhookRequest({ topic: "orders/create", payload: null, rawBody: padded });
      return { headers: Object.fromEntries(signed.headers), body: padded };
    };
    const publicPaths = [
      "/api/checkout/offers",
      "/api/checkout/events",
      `/proxy/offers?shop=${TEST_SHOP}`,
      "/auth/login",
      "/app",
    ];

    it("refuses a declared Content-Length over the limit with 413 before reading the body, on every path", async () => {
      for (const path of ["/webhooks/orders/create", ...publicPaths]) {
        const answer = await postLargeBody(`${server.url}${path}`, {
          size: 50 * 1024 * 1024,
          declared: true,
          headers: { "Content-Type": "application/json", "User-Agent": BROWSER_UA },
        });
        expect(answer.status, path).toBe(413);
        expect(JSON.parse(answer.body), path).toEqual({
          error: { code: "PAYLOAD_TOO_LARGE", message: expect.any(String) },
        });
        // The answer came before the client had sent more than a socket's buffers of the 50 MB.
        expect(answer.sent, path).toBeLessThan(16 * 1024 * 1024);
      }
    });

    it("stops reading a chunked body once it passes the limit, on every path", async () => {
      const token = await checkoutToken();
      for (const path of ["/webhooks/orders/create", ...publicPaths]) {
        const limit = path.startsWith("/webhooks") ? MAX_WEBHOOK_BODY_BYTES : MAX_BODY_BYTES;
        const answer = await postLargeBody(`${server.url}${path}`, {
          size: 50 * 1024 * 1024,
          declared: false,
          headers: {
            "Content-Type": path === "/auth/login" ? "application/x-www-form-urlencoded" : "application/json",
            "User-Agent": BROWSER_UA,
            ...(path.startsWith("/api/")
              ? { Origin: EXTENSION_ORIGIN, Authorization: `Bearer ${token}` }
              : {}),
          },
        });
        // Routes that read the body refuse it at the limit; the others answer without reading it.
        if (!path.startsWith("/proxy") && !path.startsWith("/app")) expect(answer.status, path).toBe(413);
        expect(answer.status, path).toBeGreaterThanOrEqual(300);
        expect(answer.status, path).toBeLessThan(500);
        expect(answer.sent, path).toBeLessThan(limit + 16 * 1024 * 1024);
      }
    });

    it("stores nothing of a signed webhook over the limit, declared or chunked", async () => {
      const { headers, body } = await signedWebhook(MAX_WEBHOOK_BODY_BYTES);
      for (const declared of [true, false]) {
        const answer = await postLargeBody(`${server.url}/webhooks/orders/create`, {
          size: Buffer.byteLength(body),
          declared,
          headers,
          first: body,
        });
        expect(answer.status, `declared: ${declared}`).toBe(413);
      }
      expect(await db().webhookDelivery.count()).toBe(0);
      // Within the limit, the same delivery is taken.
      const small = await signedWebhook(1024);
      const accepted = await fetch(`${server.url}/webhooks/orders/create`, {
        method: "POST",
        headers: small.headers,
        body: small.body,
      });
      expect(accepted.status).toBe(200);
      expect(await db().webhookDelivery.count()).toBe(1);
    });
  });

  describe("configured from the environment", () => {
    it("limits guests by the address the trusted proxy forwards (TRUST_PROXY)", async () => {
      const proxied = await startAppServer({
        DATABASE_URL: context.databaseUrl,
        REDIS_URL: context.redisUrl,
        QUEUE_PREFIX: `${context.queuePrefix}proxied:`,
        WEB_CONCURRENCY: "1",
        TRUST_PROXY: "1",
        OFFER_EVENTS_PER_MINUTE: "2",
      });
      try {
        const report = async (address: string) =>
          fetch(`${proxied.url}/api/checkout/events`, {
            method: "POST",
            headers: {
              "User-Agent": BROWSER_UA,
              Origin: EXTENSION_ORIGIN,
              "Content-Type": "application/json",
              "X-Forwarded-For": address,
              Authorization: `Bearer ${await checkoutToken()}`,
            },
            body: JSON.stringify({ events: "none" }),
          });
        // Bad bodies count too: the limit is counted before the body is read.
        const first = [];
        for (let i = 0; i < 3; i++) first.push((await report("203.0.113.7")).status);
        expect(first).toEqual([400, 400, 429]);
        // Another shopper behind the same proxy is not limited by the first one's requests.
        expect((await report("203.0.113.8")).status).toBe(400);
      } finally {
        await proxied.stop();
      }
    });

    it("refuses to start on a bad setting, saying which in one line", async () => {
      const started = startAppServer({
        DATABASE_URL: context.databaseUrl,
        REDIS_URL: context.redisUrl,
        WEB_CONCURRENCY: "2",
        TRUST_PROXY: "true",
      });
      await expect(started).rejects.toThrow(
        /exited \(1\):\nInvalid environment: TRUST_PROXY: must be a hop count[^\n]*\n$/,
      );
    });
  });
});
