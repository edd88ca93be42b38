import type { OfferEvent, OfferEventsRequest } from "@checkout-upsell-ai/checkout-contract";
import { signal } from "@preact/signals";
import { waitFor } from "@testing-library/preact";
import { render } from "preact";
import { expect, vi } from "vitest";
import en from "../locales/en.default.json";
import fr from "../locales/fr.json";

export const APP_URL = "https://upsell-app.test";

/** Offers as the app's POST /api/checkout/offers answers them (GIDs, signed ids, no prices). */
export const OFFERS = [
  {
    offerId: "o1.mug",
    productId: "gid://shopify/Product/7",
    variantId: "gid://shopify/ProductVariant/70",
    title: "Ceramic mug",
    imageUrl: "https://cdn.shopify.com/mug.png",
    reason: "Often bought with Coffee beans",
    reasonKind: "bought-with",
  },
  {
    offerId: "o1.filter",
    productId: "gid://shopify/Product/8",
    variantId: "gid://shopify/ProductVariant/80",
    title: "Paper filters",
    imageUrl: null,
    reason: "",
    reasonKind: "popular",
  },
  {
    offerId: "o1.grinder",
    productId: "gid://shopify/Product/9",
    variantId: "gid://shopify/ProductVariant/90",
    title: "Hand grinder",
    imageUrl: null,
    reason: "Popular right now",
    reasonKind: "popular",
  },
];

/** The same offers as a shopper may get them: the mug with a personalized discount. */
export const DISCOUNTED_OFFERS = OFFERS.map((offer) => ({
  ...offer,
  discount: offer.offerId === "o1.mug" ? { percent: 10 } : null,
}));

/** A variant as the Storefront API's `nodes` query answers it. */
export interface VariantNode {
  id: string;
  availableForSale: boolean;
  price: { amount: string; currencyCode: string };
  compareAtPrice: { amount: string; currencyCode: string } | null;
  product: { title: string };
}

function variantNode(
  variant: number,
  title: string,
  price: string,
  currencyCode: string,
  compareAt: string | null = null,
): VariantNode {
  return {
    id: `gid://shopify/ProductVariant/${variant}`,
    availableForSale: true,
    price: { amount: price, currencyCode },
    compareAtPrice: compareAt ? { amount: compareAt, currencyCode } : null,
    product: { title },
  };
}

/** The offered variants as Shopify sells them to a buyer in the United States, in English. */
export const US_VARIANTS = [
  variantNode(70, "Ceramic mug", "12.5", "USD", "15.0"),
  variantNode(80, "Paper filters", "4.0", "USD"),
  variantNode(90, "Hand grinder", "39.0", "USD"),
];

/** The same variants for a buyer in France: the market's own prices in euros, French titles. */
export const FR_VARIANTS = [
  variantNode(70, "Tasse en céramique", "13.9", "EUR", "16.5"),
  variantNode(80, "Filtres en papier", "4.5", "EUR"),
  variantNode(90, "Moulin à main", "42.0", "EUR"),
];

export interface FakeStorefrontOptions {
  /** the variants Shopify knows in the buyer's market; any other id answers null */
  variants?: Array<VariantNode | { id: string; hidden: true }>;
  /** how long the answer takes */
  delayMs?: number;
  /** GraphQL errors to answer with */
  errors?: Array<{ message: string }>;
  /** reject, as the query does when the network fails */
  fail?: boolean;
}

/**
 * The Storefront API behind `shopify.query`: answers the `nodes` query for the ids it is asked, in
 * the order asked, and records each query and its variables.
 */
export function fakeStorefront({
  variants = US_VARIANTS,
  delayMs = 0,
  errors,
  fail = false,
}: FakeStorefrontOptions = {}) {
  const calls: Array<{ at: number; query: string; variables: Record<string, unknown>; version?: string }> =
    [];
  const query = vi.fn(
    async (
      text: string,
      options: { variables?: Record<string, unknown>; version?: string } = {},
    ): Promise<{ data?: unknown; errors?: unknown[] }> => {
      calls.push({
        at: Date.now(),
        query: text,
        variables: options.variables ?? {},
        version: options.version,
      });
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (fail) throw new Error("Failed to fetch");
      const ids = (options.variables?.ids as string[] | undefined) ?? [];
      const nodes = ids.map((id) => {
        const variant = variants.find((known) => known.id === id);
        return variant && !("hidden" in variant) ? variant : null;
      });
      return errors ? { data: { nodes }, errors } : { data: { nodes } };
    },
  );
  return { query, calls };
}

/**
 * Checkout's `i18n` for a locale, as the buyer reads it: the extension's own translations (with
 * `{{name}}` placeholders) and Intl's money format, where the tester's mock echoes keys and numbers.
 */
export function buyerI18n(locale: "en" | "fr") {
  const messages: Record<string, unknown> = locale === "en" ? en : fr;
  const lookup = (key: string) =>
    key
      .split(".")
      .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
  return {
    translate: (key: string, replacements: Record<string, unknown> = {}) =>
      String(lookup(key) ?? key).replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
        String(replacements[name] ?? ""),
      ),
    formatCurrency: (amount: number, { currency }: { currency?: string } = {}) =>
      new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount),
    formatNumber: (amount: number) => new Intl.NumberFormat(locale).format(amount),
    formatDate: (date: Date) => new Intl.DateTimeFormat(locale).format(date),
  };
}

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

/** Renders the extension against the app and waits until its offers' buttons show. */
export async function renderWithApp(
  extension: { fetch: typeof globalThis.fetch; render: () => Promise<void> },
  app: ReturnType<typeof fakeApp>,
) {
  extension.fetch = app.fetch;
  await extension.render();
  await waitFor(() => expect(document.body.querySelectorAll("s-button").length).toBeGreaterThan(0));
  return app;
}

/** Removes the extension as checkout does when it goes away, running the components' cleanups. */
export function unmount() {
  render(null, document.body);
}

/** An element's text with whitespace collapsed (Polaris elements type `id` differently from Element). */
export function text(element: { textContent: string | null } | null | undefined): string {
  return element?.textContent?.replace(/\s+/g, " ").trim() ?? "";
}
