import type { OfferEvent, OffersRequest } from "@checkout-upsell-ai/checkout-contract";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  appUrl,
  fetchMarketVariants,
  fetchOffers,
  MARKET_TIMEOUT_MS,
  OFFERS_TIMEOUT_MS,
  type StorefrontQuery,
  sendEvents,
} from "./api";

const request: OffersRequest = { cart: { lines: [] }, locale: "en", surface: "checkout" };
const getToken = async () => "token";
const click: OfferEvent = {
  type: "click",
  offerId: "o",
  surface: "checkout",
  at: "2026-11-22T10:00:00.000Z",
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("appUrl", () => {
  it("is the URL compiled in, without a trailing slash", () => {
    vi.stubEnv("APP_URL", "https://app.example/");
    expect(appUrl()).toBe("https://app.example");
  });

  it("is null when none was compiled in, so nothing is requested", async () => {
    vi.stubEnv("APP_URL", "");
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    expect(appUrl()).toBeNull();
    expect(await fetchOffers(request, { getToken })).toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("requests to the app", () => {
  it("posts JSON with the session token", async () => {
    const fetch = vi.fn(async () => Response.json({ offers: [], modelVersion: null }));
    vi.stubGlobal("fetch", fetch);
    expect(await fetchOffers(request, { getToken })).toEqual({
      offers: [],
      modelVersion: null,
      heading: null,
      message: null,
    });
    expect(fetch).toHaveBeenCalledWith(
      "https://upsell-app.test/api/checkout/offers",
      expect.objectContaining({
        method: "POST",
        headers: { Authorization: "Bearer token", "Content-Type": "application/json" },
        body: JSON.stringify(request),
      }),
    );
  });

  it("gives up when the session token does not come in time", async () => {
    vi.useFakeTimers();
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    const offers = fetchOffers(request, { getToken: () => new Promise<string>(() => {}) });
    await vi.advanceTimersByTimeAsync(OFFERS_TIMEOUT_MS);
    expect(await offers).toBeNull();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends the cart's products with the events, in the same request", async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetch);
    const events = [click];
    const cart = ["gid://shopify/Product/1", "gid://shopify/Product/5"];
    await sendEvents(events, { getToken, cart });
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledWith(
      "https://upsell-app.test/api/checkout/events",
      expect.objectContaining({ method: "POST", body: JSON.stringify({ events, cart }) }),
    );
  });

  it.each([
    ["no cart", undefined],
    ["an empty cart", []],
  ])("sends the events alone with %s", async (_, cart) => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetch);
    await sendEvents([click], { getToken, cart });
    expect(fetch).toHaveBeenCalledWith(
      "https://upsell-app.test/api/checkout/events",
      expect.objectContaining({ body: JSON.stringify({ events: [click] }) }),
    );
  });

  it("swallows failures to send events", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(null, { status: 500 })),
    );
    await expect(
      sendEvents([{ type: "click", offerId: "o", surface: "checkout", at: "2026-11-22T10:00:00.000Z" }], {
        getToken,
      }),
    ).resolves.toBeUndefined();
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("offline"))),
    );
    await expect(sendEvents([], { getToken })).resolves.toBeUndefined();
  });
});

describe("the market's prices from Shopify", () => {
  const ids = ["gid://shopify/ProductVariant/70"];
  const variant = {
    id: ids[0],
    availableForSale: true,
    price: { amount: "13.90", currencyCode: "EUR" },
    compareAtPrice: null,
    product: { title: "Tasse en céramique" },
  };

  it("asks once for every variant, in the buyer's country and language, and reads the answer", async () => {
    const query = vi.fn<StorefrontQuery>(async () => ({ data: { nodes: [variant] } }));
    const variants = await fetchMarketVariants(query, ids, { country: "FR", language: "fr" });
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0]?.[1]).toEqual({
      variables: { ids, country: "FR", language: "FR" },
      version: "2026-07",
    });
    expect(variants?.get(ids[0]!)).toMatchObject({ price: { amount: 13.9, currencyCode: "EUR" } });
  });

  it.each([
    ["the query fails", async () => Promise.reject(new Error("offline"))],
    [
      "Shopify answers with errors",
      async () => ({ data: { nodes: [variant] }, errors: [{ message: "Throttled" }] }),
    ],
  ])("gives null when %s", async (_, answer) => {
    expect(await fetchMarketVariants(vi.fn<StorefrontQuery>(answer), ids, { language: "fr" })).toBeNull();
  });

  it("gives null when Shopify is slower than the deadline", async () => {
    vi.useFakeTimers();
    const query = vi.fn<StorefrontQuery>(
      () => new Promise((resolve) => setTimeout(() => resolve({ data: { nodes: [variant] } }), 5_000)),
    );
    const answer = fetchMarketVariants(query, ids, { language: "fr" });
    await vi.advanceTimersByTimeAsync(MARKET_TIMEOUT_MS);
    expect(await answer).toBeNull();
  });
});
