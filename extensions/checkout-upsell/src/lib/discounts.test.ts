import { describe, expect, it } from "vitest";
import { codeToRemove } from "./discounts";
import type { Offer } from "./offers";

function offer(offerId: string, product: number, code: string | null): Offer {
  return {
    offerId,
    productId: `gid://shopify/Product/${product}`,
    variantId: `gid://shopify/ProductVariant/${product}0`,
    title: offerId,
    imageUrl: null,
    price: { amount: 10, currencyCode: "USD" },
    compareAtPrice: null,
    reason: "",
    reasonKind: "popular",
    discount: code ? { code, percent: 10, price: { amount: 9, currencyCode: "USD" } } : null,
  };
}

describe("codeToRemove", () => {
  const offers = [offer("o.mug", 7, "UP-MUG"), offer("o.filter", 8, null)];

  it("names the code of the offer the leaving line was added from, when the checkout has it", () => {
    const left = { offerId: "o.mug", productId: "gid://shopify/Product/7" };
    expect(codeToRemove(left, offers, [{ code: "up-mug" }])).toBe("UP-MUG");
    expect(codeToRemove(left, offers, [])).toBeNull();
    expect(codeToRemove(left, offers, [{ code: "SUMMER" }])).toBeNull();
  });

  it("finds the product's code through a later offer of the same product", () => {
    const left = { offerId: "o.mug-from-before", productId: "gid://shopify/Product/7" };
    expect(codeToRemove(left, offers, [{ code: "UP-MUG" }])).toBe("UP-MUG");
  });

  it("leaves codes alone for offers without a discount or that it does not know", () => {
    expect(
      codeToRemove({ offerId: "o.filter", productId: "gid://shopify/Product/8" }, offers, [
        { code: "UP-MUG" },
      ]),
    ).toBeNull();
    expect(
      codeToRemove({ offerId: "o.other", productId: "gid://shopify/Product/9" }, offers, [
        { code: "UP-MUG" },
      ]),
    ).toBeNull();
  });
});
