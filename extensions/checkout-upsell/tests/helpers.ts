import type { OfferEvent, OfferEventsRequest } from "@checkout-upsell-ai/checkout-contract";
import { signal } from "@preact/signals";
import { render } from "preact";
import { vi } from "vitest";

export const APP_URL = "https://upsell-app.test";

/** Offers as the app's POST /api/checkout/offers answers them (decimal strings, GIDs, signed ids). */
export const OFFERS = [
  {
    offerId: "o1.mug",
    productId: "gid://shopify/Product/7",
    variantId: "gid://shopify/ProductVariant/70",
    title: "Ceramic mug",
    imageUrl: "https://cdn.shopify.com/mug.png",
    price: { amount: "12.50", currencyCode: "USD" },
    compareAtPrice: { amount: "15.00", currencyCode: "USD" },
    reason: "Often bought with Coffee beans",
    reasonKind: "bought-with",
  },
  {
    offerId: "o1.filter",
    productId: "gid://shopify/Product/8",
    variantId: "gid://shopify/ProductVariant/80",
    title: "Paper filters",
    imageUrl: null,
    price: { amount: "4.00", currencyCode: "USD" },
    compareAtPrice: null,
    reason: "",
    reasonKind: "popular",
  },
  {
    offerId: "o1.grinder",
    productId: "gid://shopify/Product/9",
    variantId: "gid://shopify/ProductVariant/90",
    title: "Hand grinder",
    imageUrl: null,
    price: { amount: "39.00", currencyCode: "USD" },
    compareAtPrice: null,
    reason: "Popular right now",
    reasonKind: "popular",
  },
];

/** The same offers as a shopper may get them: the mug with a personalized discount. */
export const DISCOUNTED_OFFERS = OFFERS.map((offer) =>
  offer.offerId === "o1.mug"
    ? {
        ...offer,
        discount: { percent: 10 },
        discountedPrice: { amount: "11.25", currencyCode: "USD" },
      }
    : { ...offer, discount: null, discountedPrice: null },
);

export interface FakeAppOptions {
  /** what POST /api/checkout/offers answers; a function for anything but JSON */
  offers?: unknown | (() => Response);
  status?: number;
  /** how long the offers answer takes */
  delayMs?: number;
}

interface Call {
  /** when fetch was called (Date.now(), fake under fake timers) */
  at: number;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * The app's checkout API as fetch sees it: answers offers as told and records every request.
 * Like a real fetch, a pending answer rejects when its signal aborts.
 */
export function fakeApp({
  offers = { offers: OFFERS, modelVersion: 3 },
  status = 200,
  delayMs = 0,
}: FakeAppOptions = {}) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    calls.push({
      at: Date.now(),
      url,
      headers: { ...(init.headers as Record<string, string>) },
      body: JSON.parse(String(init.body)),
    });
    if (url === `${APP_URL}/api/checkout/events`) return new Response(null, { status: 204 });
    if (url !== `${APP_URL}/api/checkout/offers`) return new Response("Not found", { status: 404 });
    if (delayMs > 0) await delay(delayMs, init.signal);
    if (typeof offers === "function") return (offers as () => Response)();
    return Response.json(offers, { status });
  });
  const eventRequests = () =>
    calls
      .filter((call) => call.url.endsWith("/api/checkout/events"))
      .map((call) => call.body as OfferEventsRequest & { events: Array<Required<OfferEvent>> });
  return {
    fetch: fetch as typeof globalThis.fetch,
    offerRequests: () => calls.filter((call) => call.url.endsWith("/api/checkout/offers")),
    /** the bodies of the events requests, in order */
    eventRequests,
    eventBatches: () => eventRequests().map((request) => request.events),
  };
}

function delay(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new DOMException("The operation was aborted.", "AbortError"));
    });
  });
}

/**
 * A value that changes the way checkout's do: on the real host, once `@shopify/ui-extensions/preact`
 * is loaded, `shopify.*` values are Preact signals. (The tester's own mocks never change.)
 */
export function liveSignal<T>(value: T) {
  const live = signal(value);
  return Object.assign(live, { current: value, destroy: async () => {} });
}

/** Removes the extension as checkout does when it goes away, running the components' cleanups. */
export function unmount() {
  render(null, document.body);
}

/** An element's text with whitespace collapsed (Polaris elements type `id` differently from Element). */
export function text(element: { textContent: string | null } | null | undefined): string {
  return element?.textContent?.replace(/\s+/g, " ").trim() ?? "";
}
