import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { describe, expect, it } from "vitest";
import { signSessionToken } from "./session-token.server";

const SHOP = "token-shop.myshopify.com";
const shopify = shopifyApi({
  apiKey: "app-key",
  apiSecretKey: "app-secret",
  apiVersion: ApiVersion.October25,
  hostName: "app.example.com",
  isEmbeddedApp: true,
  logger: { level: 0, log: async () => {} },
});

describe("signSessionToken", () => {
  it("signs a token Shopify's own verifier accepts, for the shop and app it names", async () => {
    const token = await signSessionToken({
      shop: SHOP,
      apiKey: "app-key",
      secret: "app-secret",
      subject: "42",
    });
    const payload = await shopify.session.decodeSessionToken(token);
    expect(payload).toMatchObject({
      dest: `https://${SHOP}`,
      aud: "app-key",
      sub: "42",
      iss: `https://${SHOP}/admin`,
    });
  });

  it("is refused once expired, or when signed with another secret or for another app", async () => {
    const tokens = [
      await signSessionToken({ shop: SHOP, apiKey: "app-key", secret: "app-secret", ttlSeconds: -60 }),
      await signSessionToken({ shop: SHOP, apiKey: "app-key", secret: "forged-secret" }),
      await signSessionToken({ shop: SHOP, apiKey: "other-app", secret: "app-secret" }),
    ];
    for (const token of tokens) await expect(shopify.session.decodeSessionToken(token)).rejects.toThrow();
  });
});
