import { describe, expect, it } from "vitest";
import { parseOffersResponse } from "./offers";

function offer(overrides: Record<string, unknown> = {}) {
  return {
    offerId: "o1.abc",
    productId: "gid://shopify/Product/7",
    variantId: "gid://shopify/ProductVariant/70",
    title: "Ceramic mug",
    imageUrl: "https://cdn.shopify.com/mug.png",
    reason: "Often bought with Coffee beans",
    reasonKind: "bought-with",
    ...overrides,
  };
}

describe("parseOffersResponse", () => {
  it("reads the app's answer: what to offer and why, without a price", () => {
    const parsed = parseOffersResponse({
      offers: [offer(), offer({ offerId: "o2", variantId: "gid://shopify/ProductVariant/71" })],
      modelVersion: 4,
      experiment: null,
    });
    expect(parsed?.modelVersion).toBe(4);
    expect(parsed?.offers).toEqual([
      {
        offerId: "o1.abc",
        productId: "gid://shopify/Product/7",
        variantId: "gid://shopify/ProductVariant/70",
        title: "Ceramic mug",
        imageUrl: "https://cdn.shopify.com/mug.png",
        reason: "Often bought with Coffee beans",
        reasonKind: "bought-with",
        discount: null,
      },
      expect.objectContaining({ offerId: "o2", variantId: "gid://shopify/ProductVariant/71" }),
    ]);
  });

  it("reads a discount's percent, and ignores a price an older app still sends", () => {
    const parsed = parseOffersResponse({
      offers: [
        offer({
          discount: { percent: 10 },
          price: { amount: "12.50", currencyCode: "USD" },
          discountedPrice: { amount: "11.25", currencyCode: "USD" },
        }),
      ],
    });
    expect(parsed?.offers[0]?.discount).toEqual({ percent: 10 });
    expect(parsed?.offers[0]).not.toHaveProperty("price");
    expect(parsed?.offers[0]).not.toHaveProperty("discountedPrice");
  });

  it.each([
    ["a percent of 0", { percent: 0 }],
    ["a percent over 100", { percent: 101 }],
    ["a percent that is not a number", { percent: "10" }],
    ["no percent", {}],
  ])("keeps the offer without its discount for %s", (_, discount) => {
    const parsed = parseOffersResponse({ offers: [offer({ discount })] });
    expect(parsed?.offers).toHaveLength(1);
    expect(parsed?.offers[0]?.discount).toBeNull();
  });

  it.each([
    ["null", null],
    ["a string", "offers"],
    ["an array", []],
    ["no offers", { modelVersion: 1 }],
    ["offers that are not a list", { offers: {} }],
    ["a model version that is not a number", { offers: [], modelVersion: "1" }],
  ])("gives null for %s", (_, value) => {
    expect(parseOffersResponse(value)).toBeNull();
  });

  it.each([
    ["a product id that is not a GID", { productId: "7" }],
    ["a variant id of another type", { variantId: "gid://shopify/Product/70" }],
    ["no title", { title: "" }],
    ["no offer id", { offerId: undefined }],
    ["a title over 500 characters", { title: "a".repeat(501) }],
  ])("leaves out an offer with %s and keeps the others", (_, overrides) => {
    const parsed = parseOffersResponse({
      offers: [offer(overrides), offer({ offerId: "good", variantId: "gid://shopify/ProductVariant/99" })],
      modelVersion: null,
    });
    expect(parsed?.offers.map((item) => item.offerId)).toEqual(["good"]);
  });

  it("drops images not served over https", () => {
    const [parsed] = parseOffersResponse({ offers: [offer({ imageUrl: "http://x/y.png" })] })!.offers;
    expect(parsed?.imageUrl).toBeNull();
  });

  it("reads the merchant's message, trimmed, up to 120 characters", () => {
    const thanks = parseOffersResponse({ offers: [offer()], message: "  Thank you for coming back!\n" });
    expect(thanks?.message).toBe("Thank you for coming back!");
    // The limit applies once the spaces around it are gone.
    const longest = parseOffersResponse({ offers: [offer()], message: ` ${"a".repeat(120)} ` });
    expect(longest?.message).toBe("a".repeat(120));
  });

  it.each([
    ["an answer without one", undefined],
    ["a number", 42],
    ["an object", { text: "Thanks" }],
    ["a string of spaces", "   "],
    ["a message over 120 characters", "a".repeat(121)],
  ])("gives no message for %s, and keeps the offers", (_, message) => {
    const parsed = parseOffersResponse({ offers: [offer()], message });
    expect(parsed?.message).toBeNull();
    expect(parsed?.offers).toHaveLength(1);
  });

  it("keeps one offer per offer id and per variant", () => {
    const parsed = parseOffersResponse({ offers: [offer(), offer(), offer({ offerId: "other" })] });
    expect(parsed?.offers).toHaveLength(1);
  });
});
