import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MAX_OFFER_TOKEN_LENGTH,
  signableProductId,
  signOfferToken,
  verifyOfferToken,
} from "./offer-token.server";

const SHOP = "a-shop.myshopify.com";
const SECRET = "offer-token-test-secret";
const servedAt = new Date("2026-11-22T10:00:00Z");

function sign(overrides: Partial<Parameters<typeof signOfferToken>[0]> = {}) {
  return signOfferToken(
    {
      shopDomain: SHOP,
      productId: "8123456789099",
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      ...overrides,
    },
    SECRET,
  );
}

describe("offer tokens", () => {
  it("carry product, model version, surface and serving time, verified for their shop only", () => {
    const token = sign();
    expect(verifyOfferToken(token, SHOP, SECRET)).toEqual({
      productId: "8123456789099",
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      discountPercent: 0,
      experiment: null,
    });
    expect(verifyOfferToken(token, "other-shop.myshopify.com", SECRET)).toBeNull();
    expect(verifyOfferToken(token, SHOP, "another-secret")).toBeNull();
  });

  it("keep the popularity fallback's missing model version and every surface", () => {
    for (const surface of ["checkout", "cart-line-list", "thank-you", "storefront"] as const) {
      expect(verifyOfferToken(sign({ modelVersion: null, surface }), SHOP, SECRET)).toMatchObject({
        modelVersion: null,
        surface,
      });
    }
  });

  it("carry the discount offered and the experiment variant that served it", () => {
    const token = sign({ discountPercent: 15, experiment: { id: "k3x9", variant: 2 } });
    expect(verifyOfferToken(token, SHOP, SECRET)).toMatchObject({
      discountPercent: 15,
      experiment: { id: "k3x9", variant: 2 },
    });
    expect(() => sign({ discountPercent: 12.5 })).toThrow(/whole percent/);
    expect(() => sign({ experiment: { id: "K3X9", variant: 2 } })).toThrow(/experiment id/);
    expect(() => sign({ experiment: { id: "k3x9", variant: 10 } })).toThrow(/experiment id/);
  });

  it("still verify the first format, signed before discounts and experiments", () => {
    const body = `o1.${Number("8123456789099").toString(36)}.7.c.${(servedAt.getTime() / 1000).toString(36)}.AbCdEf`;
    const signature = createHmac("sha256", SECRET)
      .update(`offer-token\u0000${SHOP}\u0000${body}`)
      .digest()
      .subarray(0, 12)
      .toString("base64url");
    expect(verifyOfferToken(`${body}.${signature}`, SHOP, SECRET)).toEqual({
      productId: "8123456789099",
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      discountPercent: 0,
      experiment: null,
    });
    expect(verifyOfferToken(`${body}.${signature}`, "other-shop.myshopify.com", SECRET)).toBeNull();
  });

  it("fit a line property even at the largest ids, and differ for each serving", () => {
    const largest = sign({
      productId: String(Number.MAX_SAFE_INTEGER),
      modelVersion: 78_364_164_095,
      discountPercent: 100,
      experiment: { id: "zzzz", variant: 9 },
    });
    expect(largest.length).toBeLessThanOrEqual(MAX_OFFER_TOKEN_LENGTH);
    expect(verifyOfferToken(largest, SHOP, SECRET)?.productId).toBe(String(Number.MAX_SAFE_INTEGER));
    expect(sign()).not.toBe(sign());
  });

  it("reject any changed part, and anything that is not a token", () => {
    const token = sign();
    const parts = token.split(".");
    for (let index = 1; index < parts.length; index++) {
      const changed = [...parts];
      const part = changed[index]!;
      changed[index] = (part[0] === "c" ? "l" : "c") + part.slice(1);
      expect(verifyOfferToken(changed.join("."), SHOP, SECRET), `part ${index}`).toBeNull();
    }
    for (const value of ["", "off_3f9a2c", `${token}x`, null, 42, token.replace(/^o2/, "o1")]) {
      expect(verifyOfferToken(value, SHOP, SECRET)).toBeNull();
    }
  });

  it("carry an imported file's product id that is not a number, and refuse one too long to fit", () => {
    for (const productId of ["85123A", "SKU-1", "gift_0001_40"]) {
      expect(verifyOfferToken(sign({ productId }), SHOP, SECRET)?.productId).toBe(productId);
    }
    expect(signableProductId("semi-finished bread")).toBe(false);
    expect(() => sign({ productId: "semi-finished bread" })).toThrow(/too long/);
    expect(() => sign({ productId: "" })).toThrow(/needs a product id/);
  });
});
