import { existsSync } from "node:fs";
import {
  EVENTS_PATH,
  MAX_CART_LINES,
  MAX_EVENTS_PER_REQUEST,
  OFFERS_PATH,
  type OfferEvent,
  type OfferEventsRequest,
  type OfferEventsResponse,
  type OffersRequest,
  type OffersRequestLine,
  type OffersResponse,
} from "@checkout-upsell-ai/checkout-contract";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import type { wireOffers } from "~/services/checkout-offers.server";
import type { recordOfferEvents } from "~/services/record-offer-events.server";
import { requestLines } from "../../extensions/checkout-upsell/src/lib/cart";
import { createEventQueue } from "../../extensions/checkout-upsell/src/lib/events";
import { describeIssues } from "./http";
import { OfferEventsRequestSchema, OffersRequestSchema, ProxyOffersQuerySchema } from "./offers";

const valid = {
  cart: {
    lines: [
      { productId: "gid://shopify/Product/11", variantId: "gid://shopify/ProductVariant/21", quantity: 1 },
    ],
  },
  locale: "fr-CA",
  surface: "checkout",
};

function problem(schema: typeof OffersRequestSchema | typeof OfferEventsRequestSchema, input: unknown) {
  const parsed = schema.safeParse(input);
  return parsed.success ? null : describeIssues(parsed.error);
}

describe("the offers request", () => {
  it("accepts gids and bare ids and keeps the numeric id", () => {
    const parsed = OffersRequestSchema.parse({
      ...valid,
      cart: { lines: [...valid.cart.lines, { productId: "12" }, { productId: 13, variantId: null }] },
    });
    expect(parsed.cart.lines.map((line) => line.productId)).toEqual(["11", "12", "13"]);
    expect(parsed.cart.lines[0]?.variantId).toBe("21");
  });

  it("ignores the currency an older extension still sends: offers carry no price", () => {
    expect(OffersRequestSchema.parse({ ...valid, currency: "EUR" })).not.toHaveProperty("currency");
  });

  it("names the field of each problem", () => {
    expect(
      problem(OffersRequestSchema, { ...valid, cart: { lines: [{ productId: "gid://shopify/Order/1" }] } }),
    ).toMatch(/^cart\.lines\.0\.productId: must be a Product id/);
    expect(problem(OffersRequestSchema, { ...valid, surface: "email" })).toMatch(/^surface: must be one of/);
    expect(problem(OffersRequestSchema, { ...valid, locale: "<script>" })).toMatch(/^locale: /);
    const lines = Array.from({ length: 101 }, (_, i) => ({ productId: String(i + 1) }));
    expect(problem(OffersRequestSchema, { ...valid, cart: { lines } })).toMatch(
      /^cart\.lines: must have at most 100/,
    );
    expect(problem(OffersRequestSchema, {})).toMatch(/^cart: /);
  });
});

describe("the events request", () => {
  const event = { type: "impression", offerId: "o1.x", surface: "checkout" };

  it("takes 1 to 50 events of the known types", () => {
    expect(OfferEventsRequestSchema.parse({ events: [event] }).events).toHaveLength(1);
    expect(problem(OfferEventsRequestSchema, { events: [] })).toMatch(/^events: must have at least one/);
    expect(problem(OfferEventsRequestSchema, { events: Array(51).fill(event) })).toMatch(/at most 50/);
    expect(problem(OfferEventsRequestSchema, { events: [{ ...event, type: "view" }] })).toMatch(
      /^events\.0\.type: must be one of impression, click, add, remove/,
    );
    expect(problem(OfferEventsRequestSchema, { events: [{ ...event, at: "yesterday" }] })).toMatch(
      /^events\.0\.at/,
    );
  });
});

describe("the app proxy query", () => {
  it("reads comma-separated product ids, at most 100", () => {
    expect(ProxyOffersQuerySchema.parse({ products: "1, gid://shopify/Product/2,," }).products).toEqual([
      "1",
      "2",
    ]);
    expect(ProxyOffersQuerySchema.parse({}).products).toEqual([]);
    const many = Array.from({ length: 101 }, (_, i) => i + 1).join(",");
    expect(ProxyOffersQuerySchema.safeParse({ products: many }).success).toBe(false);
    expect(ProxyOffersQuerySchema.safeParse({ products: "1,abc" }).success).toBe(false);
  });
});

// The type checks below fail `npm run typecheck` when the app and the checkout contract drift apart.
describe("the checkout wire contract", () => {
  it("accepts every offers request the contract allows, with no field the contract lacks", () => {
    type Accepted = z.input<typeof OffersRequestSchema>;
    expectTypeOf<OffersRequest>().toExtend<Accepted>();
    expectTypeOf<keyof OffersRequest>().toEqualTypeOf<keyof Accepted>();
    expectTypeOf<keyof OffersRequestLine>().toEqualTypeOf<keyof Accepted["cart"]["lines"][number]>();
  });

  it("takes exactly the contract's events, and answers both requests in the contract's shapes", () => {
    expectTypeOf<z.input<typeof OfferEventsRequestSchema>>().toEqualTypeOf<OfferEventsRequest>();
    expectTypeOf<z.output<typeof OfferEventsRequestSchema>>().toEqualTypeOf<OfferEventsRequest>();
    expectTypeOf<ReturnType<typeof wireOffers>>().toEqualTypeOf<OffersResponse>();
    expectTypeOf<Awaited<ReturnType<typeof recordOfferEvents>>>().toEqualTypeOf<OfferEventsResponse>();
  });

  it("accepts the fullest cart and event batch the extension sends", async () => {
    const lines = Array.from({ length: MAX_CART_LINES + 5 }, (_, i) => ({
      quantity: 2,
      merchandise: {
        id: `gid://shopify/ProductVariant/${i + 100}`,
        product: { id: `gid://shopify/Product/${i + 1}` },
      },
      attributes: [],
    }));
    const request: OffersRequest = {
      cart: { lines: requestLines(lines) },
      locale: "fr-CA",
      surface: "cart-line-list",
      unitKey: "c1-5e3b9f0a_checkout-token",
    };
    const parsed = OffersRequestSchema.parse(request);
    expect(parsed.cart.lines).toHaveLength(MAX_CART_LINES);
    expect(parsed.cart.lines[0]).toEqual({ productId: "1", variantId: "100", quantity: 2 });

    const batches: OfferEvent[][] = [];
    const queue = createEventQueue({ send: async (events) => void batches.push(events) });
    for (let i = 0; i < MAX_EVENTS_PER_REQUEST + 1; i++) {
      queue.push({
        type: "impression",
        offerId: `o1.${i}`,
        surface: "thank-you",
        at: new Date().toISOString(),
      });
    }
    await queue.close();
    expect(batches.map((events) => OfferEventsRequestSchema.parse({ events }).events.length)).toEqual([
      MAX_EVENTS_PER_REQUEST,
      1,
    ]);
  });

  it("serves the paths the extension posts to", () => {
    for (const path of [OFFERS_PATH, EVENTS_PATH]) {
      const route = new URL(`../routes/${path.slice(1).replaceAll("/", ".")}.tsx`, import.meta.url);
      expect(existsSync(route), path).toBe(true);
    }
  });
});
