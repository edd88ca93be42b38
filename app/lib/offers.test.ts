import { describe, expect, it } from "vitest";
import { describeIssues } from "./http";
import { OfferEventsRequestSchema, OffersRequestSchema, ProxyOffersQuerySchema } from "./offers";

const valid = {
  cart: {
    lines: [
      { productId: "gid://shopify/Product/11", variantId: "gid://shopify/ProductVariant/21", quantity: 1 },
    ],
  },
  locale: "fr-CA",
  currency: "CAD",
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

  it("names the field of each problem", () => {
    expect(
      problem(OffersRequestSchema, { ...valid, cart: { lines: [{ productId: "gid://shopify/Order/1" }] } }),
    ).toMatch(/^cart\.lines\.0\.productId: must be a Product id/);
    expect(problem(OffersRequestSchema, { ...valid, surface: "email" })).toMatch(/^surface: must be one of/);
    expect(problem(OffersRequestSchema, { ...valid, currency: "euro" })).toMatch(/^currency: /);
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
