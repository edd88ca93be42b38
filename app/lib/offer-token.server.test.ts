import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  buyerTag,
  discountExpiry,
  shopOfferKey,
  signableProductId,
  signOfferToken,
  verifyOfferToken,
} from "./offer-token.server";
import { MAX_OFFER_ID_LENGTH } from "./order-snapshot";

const SHOP = "a-shop.myshopify.com";
const SECRET = "offer-token-test-secret";
const servedAt = new Date("2026-11-22T10:00:00Z");
const VARIANT = "45012345678901";

function sign(overrides: Partial<Parameters<typeof signOfferToken>[0]> = {}) {
  return signOfferToken(
    {
      shopDomain: SHOP,
      productId: "8123456789099",
      variantId: VARIANT,
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      ...overrides,
    },
    SECRET,
  );
}

/** The MAC of the earlier formats: under the app secret itself, over the shop and the body. */
function earlierSignature(body: string): string {
  return createHmac("sha256", SECRET)
    .update(`offer-token\u0000${SHOP}\u0000${body}`)
    .digest()
    .subarray(0, 12)
    .toString("base64url");
}

describe("offer tokens", () => {
  it("carry product, model version, surface and serving time, verified for their shop only", () => {
    const token = sign();
    expect(verifyOfferToken(token, SHOP, SECRET)).toEqual({
      productId: "8123456789099",
      variantId: VARIANT,
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      discountPercent: 0,
      experiment: null,
      quantity: 1,
      buyer: null,
      segment: null,
      discountHistory: null,
    });
    expect(verifyOfferToken(token, "other-shop.myshopify.com", SECRET)).toBeNull();
    expect(verifyOfferToken(token, SHOP, "another-secret")).toBeNull();
  });

  it("are signed with a key of the shop's own, which is neither the secret nor another shop's", () => {
    const key = shopOfferKey(SHOP, SECRET);
    expect(key).toHaveLength(32);
    expect(key.equals(shopOfferKey(SHOP, SECRET))).toBe(true);
    expect(key.equals(shopOfferKey("other-shop.myshopify.com", SECRET))).toBe(false);
    expect(key.toString("hex")).not.toContain(Buffer.from(SECRET).toString("hex"));
    const token = sign();
    const body = token.slice(0, token.lastIndexOf("."));
    const expected = createHmac("sha256", key).update(body).digest().subarray(0, 12).toString("base64url");
    expect(token.endsWith(`.${expected}`)).toBe(true);
  });

  it("bind a logged-in buyer's discount to them, and cover the units offered", () => {
    const token = sign({ discountPercent: 10, customerId: "7010123456789", quantity: 2 });
    const claims = verifyOfferToken(token, SHOP, SECRET);
    expect(claims).toMatchObject({ discountPercent: 10, quantity: 2 });
    expect(claims?.buyer).toBe(buyerTag(shopOfferKey(SHOP, SECRET), "7010123456789"));
    expect(claims?.buyer).not.toBe(buyerTag(shopOfferKey(SHOP, SECRET), "7010123456788"));
    expect(() => sign({ quantity: 0 })).toThrow(/units/);
    expect(() => sign({ quantity: 36 })).toThrow(/units/);
    expect(() => sign({ customerId: "gid://shopify/Customer/1" })).toThrow(/customer id/);
    // The discount covers the offered variant's units: the variant whose price the budget counted.
    expect(() => sign({ discountPercent: 10, variantId: null })).toThrow(/names its variant/);
    expect(verifyOfferToken(sign({ variantId: null }), SHOP, SECRET)?.variantId).toBeNull();
  });

  it("say until when a checkout honours their discount: the next day, wherever the shop is", () => {
    const expiry = discountExpiry(new Date("2026-11-22T23:59:00Z"));
    // The 23rd ends last at UTC-12, at noon UTC on the 24th.
    expect(expiry.toISOString()).toBe("2026-11-24T12:00:00.000Z");
    expect(discountExpiry(new Date("2026-11-22T00:00:00Z")).toISOString()).toBe("2026-11-24T12:00:00.000Z");
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

  it("carry the shopper's segment, and verify the format before segments with none", () => {
    const token = sign({ segment: "lapsing" });
    expect(verifyOfferToken(token, SHOP, SECRET)?.segment).toBe("lapsing");
    expect(verifyOfferToken(sign({ segment: "guest" }), SHOP, SECRET)?.segment).toBe("guest");
    const fields = sign({ discountPercent: 15 }).split(".");
    const body = ["o3", ...fields.slice(1, 10), fields[11]].join(".");
    const signature = createHmac("sha256", shopOfferKey(SHOP, SECRET))
      .update(body)
      .digest()
      .subarray(0, 12)
      .toString("base64url");
    expect(verifyOfferToken(`${body}.${signature}`, SHOP, SECRET)).toMatchObject({
      productId: "8123456789099",
      variantId: VARIANT,
      discountPercent: 15,
      segment: null,
    });
    expect(verifyOfferToken(`${fields.slice(0, 12).join(".")}.${signature}`, SHOP, SECRET)).toBeNull();
  });

  it("carry the shopper's discount history with their segment, in a letter the MAC covers", () => {
    const token = sign({ segment: "returning", discountHistory: "mostly" });
    expect(verifyOfferToken(token, SHOP, SECRET)).toMatchObject({
      segment: "returning",
      discountHistory: "mostly",
    });
    const fields = token.split(".");
    const body = fields.slice(0, -1);
    const macOf = (parts: string[]) =>
      createHmac("sha256", shopOfferKey(SHOP, SECRET))
        .update(parts.join("."))
        .digest()
        .subarray(0, 12)
        .toString("base64url");
    expect(fields.at(-1)).toBe(macOf(body));
    // Other shopper contexts' letters: returning customers who never had a discount, the segment's
    // own (no history), VIPs who mostly had one.
    const others = [
      ["a", { segment: "returning", discountHistory: "never" }],
      ["r", { segment: "returning", discountHistory: null }],
      ["h", { segment: "vip", discountHistory: "mostly" }],
    ] as const;
    for (const [letter, context] of others) {
      const changed = body.toSpliced(10, 1, letter);
      expect(verifyOfferToken([...changed, fields.at(-1)].join("."), SHOP, SECRET), letter).toBeNull();
      // Signed anew, the letter would read: only the MAC turns the changed id away.
      expect(verifyOfferToken([...changed, macOf(changed)].join("."), SHOP, SECRET)).toMatchObject(context);
    }
  });

  it("still verify the second format, signed under the app secret, for attribution", () => {
    const body = `o2.${Number("8123456789099").toString(36)}.7.c.${(servedAt.getTime() / 1000).toString(36)}.f.k3x92.AbCd`;
    const signature = earlierSignature(body);
    expect(verifyOfferToken(`${body}.${signature}`, SHOP, SECRET)).toEqual({
      productId: "8123456789099",
      variantId: null,
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      discountPercent: 15,
      experiment: { id: "k3x9", variant: 2 },
      quantity: 1,
      buyer: null,
      segment: null,
      discountHistory: null,
    });
    expect(verifyOfferToken(`${body}.${signature}`, "other-shop.myshopify.com", SECRET)).toBeNull();
  });

  it("still verify the first format, signed before discounts and experiments", () => {
    const body = `o1.${Number("8123456789099").toString(36)}.7.c.${(servedAt.getTime() / 1000).toString(36)}.AbCdEf`;
    const signature = earlierSignature(body);
    expect(verifyOfferToken(`${body}.${signature}`, SHOP, SECRET)).toEqual({
      productId: "8123456789099",
      variantId: null,
      modelVersion: 7,
      surface: "checkout",
      servedAt,
      discountPercent: 0,
      experiment: null,
      quantity: 1,
      buyer: null,
      segment: null,
      discountHistory: null,
    });
    expect(verifyOfferToken(`${body}.${signature}`, "other-shop.myshopify.com", SECRET)).toBeNull();
  });

  it("fit a line property even at the largest ids, and differ for each serving", () => {
    const largest = sign({
      productId: String(Number.MAX_SAFE_INTEGER),
      modelVersion: 78_364_164_095,
      discountPercent: 100,
      experiment: { id: "zzzz", variant: 9 },
      quantity: 35,
      customerId: "99999999999999999999",
      segment: "first-order",
    });
    expect(largest.length).toBeLessThanOrEqual(MAX_OFFER_ID_LENGTH);
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
    for (const value of ["", "off_3f9a2c", `${token}x`, null, 42, token.replace(/^o4/, "o3")]) {
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
