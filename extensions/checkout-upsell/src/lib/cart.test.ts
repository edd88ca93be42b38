import { describe, expect, it } from "vitest";
import {
  cartPermalink,
  cartProductIds,
  type LineLike,
  offeredLinesInCart,
  offersNotInCart,
  requestLines,
} from "./cart";
import type { Offer } from "./offers";

function line(variant: number, product: number, attributes: LineLike["attributes"] = []): LineLike {
  return {
    quantity: 2,
    merchandise: {
      id: `gid://shopify/ProductVariant/${variant}`,
      product: { id: `gid://shopify/Product/${product}` },
    },
    attributes,
  };
}

function offer(offerId: string, variant: number, product: number): Offer {
  return {
    offerId,
    productId: `gid://shopify/Product/${product}`,
    variantId: `gid://shopify/ProductVariant/${variant}`,
    title: offerId,
    imageUrl: null,
    price: { amount: 1, currencyCode: "USD" },
    compareAtPrice: null,
    reason: "",
    reasonKind: "popular",
    discount: null,
  };
}

describe("cart helpers", () => {
  it("describes the cart lines for the app", () => {
    expect(requestLines([line(10, 1)])).toEqual([
      { productId: "gid://shopify/Product/1", variantId: "gid://shopify/ProductVariant/10", quantity: 2 },
    ]);
  });

  it("sends at most the 100 lines the app accepts", () => {
    const lines = Array.from({ length: 120 }, (_, index) => line(index + 1, index + 1));
    expect(requestLines(lines)).toHaveLength(100);
  });

  it("lists each product in the cart once, in the order of its first line", () => {
    expect(cartProductIds([line(10, 1), line(20, 2), line(11, 1), line(30, 3)])).toEqual([
      "gid://shopify/Product/1",
      "gid://shopify/Product/2",
      "gid://shopify/Product/3",
    ]);
    expect(cartProductIds([])).toEqual([]);
  });

  it("lists at most the 100 products the app accepts, counting each product once", () => {
    // Two lines per product: 240 lines, 120 products.
    const lines = Array.from({ length: 240 }, (_, index) => line(index + 1, Math.floor(index / 2) + 1));
    expect(cartProductIds(lines)).toEqual(
      Array.from({ length: 100 }, (_, index) => `gid://shopify/Product/${index + 1}`),
    );
  });

  it("leaves out offers whose variant or product is already in the cart", () => {
    const offers = [offer("same-variant", 10, 1), offer("same-product", 11, 2), offer("new", 30, 3)];
    expect(offersNotInCart(offers, [line(10, 1), line(20, 2)]).map((item) => item.offerId)).toEqual(["new"]);
  });

  it("finds the offers that cart lines came from, with their products", () => {
    const lines = [
      line(10, 1, [{ key: "_upsell_offer", value: "o1" }]),
      line(20, 2, [{ key: "gift", value: "o2" }]),
    ];
    expect([...offeredLinesInCart(lines)]).toEqual(["o1"]);
  });

  it("links a variant to a new cart whose line carries the offer id, as Shopify documents it", () => {
    // base64url of {"_upsell_offer":"o1.mug"}, without padding
    expect(cartPermalink("https://shop.example/", "gid://shopify/ProductVariant/42", "o1.mug")).toBe(
      "https://shop.example/cart/42:1?properties=eyJfdXBzZWxsX29mZmVyIjoibzEubXVnIn0",
    );
    expect(cartPermalink("https://shop.example", "gid://shopify/Product/42", "o1.mug")).toBeNull();
  });

  it("keeps the properties parameter URL-safe and decodable whatever the id holds", () => {
    const offerId = "o1.?>é";
    const href = cartPermalink("https://shop.example", "gid://shopify/ProductVariant/42", offerId)!;
    const properties = new URL(href).searchParams.get("properties")!;
    expect(properties).toMatch(/^[\w-]+$/);
    expect(JSON.parse(Buffer.from(properties, "base64url").toString("utf8"))).toEqual({
      _upsell_offer: offerId,
    });
  });
});
