import type { OffersRequest } from "@checkout-upsell-ai/checkout-contract";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { handleCheckoutRequest } from "~/lib/checkout-api.server";
import { verifyOfferToken } from "~/lib/offer-token.server";
import { MAX_OFFER_ID_LENGTH } from "~/lib/order-snapshot";
import { replaceCollectionProducts } from "~/models/collection-products.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled, markUninstalled } from "~/models/shops.server";
import { action, loader } from "~/routes/api.checkout.offers";
import { loader as proxyLoader } from "~/routes/proxy.offers";
import { flushOffersAnswers, offersAnswers } from "~/serving/offers-serving-stats.server";
import { announceServingChange } from "~/serving/serving.server";
import { requestLines } from "../../extensions/checkout-upsell/src/lib/cart";
import { parseOffersResponse } from "../../extensions/checkout-upsell/src/lib/offers";
import { DRAFT, NO_AVAILABLE_VARIANT, POPULAR, SOLD_OUT, seedOfferShop } from "../fixtures/offer-shop";
import { buildOrder, buildProduct } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { appProxyRequest, checkoutRequest, checkoutToken, TEST_SHOP } from "../helpers/shopify";

isolateIntegration();

let shopId: string;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
});

const line = (productId: string) => ({
  productId: `gid://shopify/Product/${productId}`,
  variantId: `gid://shopify/ProductVariant/${productId}1`,
  quantity: 1,
});
const body = (overrides: Record<string, unknown> = {}) => ({
  cart: { lines: [] as unknown[] },
  locale: "en",
  surface: "checkout",
  ...overrides,
});

async function askOffers(requestBody: unknown = body(), token?: string) {
  const request = checkoutRequest("/api/checkout/offers", {
    token: token ?? (await checkoutToken()),
    body: requestBody,
  });
  return callRoute(action, request);
}

const productIds = (offers: Array<{ productId: string }>) =>
  offers.map((offer) => offer.productId.replace("gid://shopify/Product/", ""));

async function setSettings(settings: {
  enabled?: boolean;
  maxOffers?: number;
  surfaces?: string[];
  excludedTags?: string[];
  excludedCollectionIds?: string[];
  headings?: Record<string, string>;
}) {
  await db().shop.update({ where: { id: shopId }, data: { settings } });
  // What every writer of a shop's settings, products or collections does: serving reads it again.
  await announceServingChange(TEST_SHOP);
}

describe("POST /api/checkout/offers", () => {
  it("answers a valid checkout session token with the shop's offers, ready to add to the cart", async () => {
    const response = await askOffers(body({ cart: { lines: [line(POPULAR[5]!)] } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const answer = await response.json();
    expect(answer).toEqual({
      modelVersion: null,
      experiment: null,
      offers: [
        {
          offerId: expect.any(String),
          productId: `gid://shopify/Product/${POPULAR[0]}`,
          // The cheaper variant is sold out.
          variantId: `gid://shopify/ProductVariant/${POPULAR[0]}2`,
          title: "Pour-over Kettle",
          imageUrl: `https://cdn.shopify.com/s/files/${POPULAR[0]}.jpg`,
          // No price: the extension asks Shopify for the buyer's market's.
          reason: "Popular right now",
          reasonKind: "popular",
          discount: null,
        },
        expect.objectContaining({ productId: `gid://shopify/Product/${POPULAR[1]}` }),
        expect.objectContaining({ productId: `gid://shopify/Product/${POPULAR[2]}` }),
      ],
    });
    const offer = verifyOfferToken(answer.offers[0].offerId, TEST_SHOP);
    expect(offer).toMatchObject({ productId: POPULAR[0], modelVersion: null, surface: "checkout" });
    expect(answer.offers[0].offerId.length).toBeLessThanOrEqual(MAX_OFFER_ID_LENGTH);
    // The extension reads every offer of the answer, none dropped as malformed.
    expect(parseOffersResponse(answer)).toEqual({
      modelVersion: null,
      heading: null,
      message: null,
      offers: answer.offers.map((sent: { offerId: string; productId: string }) =>
        expect.objectContaining({ offerId: sent.offerId, productId: sent.productId }),
      ),
    });
  });

  it("answers the request the extension builds from checkout's lines, in a shape the extension reads", async () => {
    const request: OffersRequest = {
      cart: {
        lines: requestLines([
          {
            quantity: 2,
            merchandise: {
              id: `gid://shopify/ProductVariant/${POPULAR[0]}2`,
              product: { id: `gid://shopify/Product/${POPULAR[0]}` },
            },
            attributes: [],
          },
        ]),
      },
      locale: "fr",
      surface: "cart-line-list",
      unitKey: "c1-checkout-token",
    };
    const response = await askOffers(request);
    expect(response.status).toBe(200);
    const answer = await response.json();
    const read = parseOffersResponse(answer);
    expect(read?.offers.map((offer) => offer.offerId)).toEqual(
      answer.offers.map((offer: { offerId: string }) => offer.offerId),
    );
    expect(productIds(read!.offers)).toEqual([POPULAR[1], POPULAR[2], POPULAR[3]]);
  });

  it("serves logged-in customers (sub) and guests alike", async () => {
    const response = await askOffers(body(), await checkoutToken({ customerId: "7012345678901" }));
    expect(response.status).toBe(200);
    expect((await response.json()).offers).toHaveLength(3);
  });

  it("never offers what is in the cart, a draft, a sold-out product or one without an available variant", async () => {
    await setSettings({ maxOffers: 10 });
    const cart = [POPULAR[0]!, POPULAR[3]!];
    const response = await askOffers(body({ cart: { lines: cart.map(line) } }));
    const offered = productIds((await response.json()).offers);
    expect(offered).toEqual(POPULAR.filter((id) => !cart.includes(id)).slice(0, 10));
    for (const never of [...cart, DRAFT, SOLD_OUT, NO_AVAILABLE_VARIANT])
      expect(offered).not.toContain(never);
    await setSettings({});
  });

  it("sends the merchant's heading for the shopper's language, and none where there is none", async () => {
    await setSettings({ headings: { fr: "Vous aimerez aussi" } });
    expect((await (await askOffers(body({ locale: "fr-CA" }))).json()).heading).toBe("Vous aimerez aussi");
    expect(await (await askOffers(body({ locale: "en" }))).json()).not.toHaveProperty("heading");
    await setSettings({});
  });

  it("words the reasons in the shopper's language", async () => {
    const answer = await (await askOffers(body({ locale: "fr-CA" }))).json();
    expect(answer.offers.map((offer: { reason: string }) => offer.reason)).toEqual([
      "Populaire en ce moment",
      "Populaire en ce moment",
      "Populaire en ce moment",
    ]);
  });

  it("still offers when the cart holds products the shop does not know", async () => {
    const response = await askOffers(body({ cart: { lines: [line("999999999"), line("888888888")] } }));
    expect(response.status).toBe(200);
    expect(productIds((await response.json()).offers)).toEqual(POPULAR.slice(0, 3));
  });

  it("offers nothing when the merchant turned offers off, and at most maxOffers otherwise", async () => {
    await setSettings({ enabled: false });
    expect(await (await askOffers()).json()).toEqual({ offers: [], modelVersion: null, experiment: null });
    await setSettings({ maxOffers: 1 });
    expect((await (await askOffers()).json()).offers).toHaveLength(1);
    await setSettings({});
  });

  it("offers nothing on a surface the merchant turned off, and never a product with an excluded tag", async () => {
    await setSettings({ surfaces: ["thank-you"] });
    expect((await (await askOffers()).json()).offers).toEqual([]);
    expect((await (await askOffers(body({ surface: "thank-you" }))).json()).offers).toHaveLength(3);

    await db().product.updateMany({
      where: { shopId, externalId: POPULAR[0] },
      data: { tags: ["Clearance"] },
    });
    await setSettings({ excludedTags: [" clearance"] });
    expect(productIds((await (await askOffers()).json()).offers)).toEqual(POPULAR.slice(1, 4));
    await db().product.updateMany({ where: { shopId, externalId: POPULAR[0] }, data: { tags: [] } });
    await setSettings({});
  });

  it("never offers a product of an excluded collection, as its products were last synced", async () => {
    const SUMMER = "4300000001";
    await replaceCollectionProducts(db(), {
      shopId,
      collectionId: SUMMER,
      productIds: [POPULAR[0]!, POPULAR[2]!, "9999999999"],
    });
    await setSettings({ excludedCollectionIds: [SUMMER], maxOffers: 10 });
    const expected = POPULAR.filter((id) => id !== POPULAR[0] && id !== POPULAR[2]).slice(0, 10);
    expect(productIds((await (await askOffers()).json()).offers)).toEqual(expected);

    await replaceCollectionProducts(db(), { shopId, collectionId: SUMMER, productIds: [POPULAR[2]!] });
    await announceServingChange(TEST_SHOP);
    const afterSync = productIds((await (await askOffers()).json()).offers);
    expect(afterSync[0]).toBe(POPULAR[0]);
    expect(afterSync).not.toContain(POPULAR[2]);
    await db().collectionProduct.deleteMany({});
    await setSettings({});
  });

  it("offers a product's variants as last stored, and stops offering it once sold out, after the next refresh", async () => {
    const kettle = (
      variants: Array<{ price: string; compareAtPrice?: string; available?: boolean }>,
      updatedAt: string,
    ) => buildProduct({ externalId: POPULAR[0]!, title: "Pour-over Kettle", variants, updatedAt });
    const offered = async () => (await (await askOffers(body({ surface: "cart-line-list" }))).json()).offers;
    const before = await offered();
    expect(before[0]).toMatchObject({
      productId: `gid://shopify/Product/${POPULAR[0]}`,
      variantId: `gid://shopify/ProductVariant/${POPULAR[0]}2`,
    });
    const write = async (product: ReturnType<typeof kettle>) => {
      await upsertProductBatch(db(), { shopId, products: [product], replaceVariants: true });
      // As the products/update webhook's processing does once it stored the product.
      await announceServingChange(TEST_SHOP);
    };
    try {
      await write(kettle([{ price: "11.00" }], new Date(Date.now() + 60_000).toISOString()));
      expect((await offered())[0]).toMatchObject({
        variantId: `gid://shopify/ProductVariant/${POPULAR[0]}1`,
      });
      await write(
        kettle([{ price: "11.00", available: false }], new Date(Date.now() + 120_000).toISOString()),
      );
      expect(productIds(await offered())).not.toContain(POPULAR[0]);
    } finally {
      await write(
        kettle(
          [
            { price: "5.00", available: false },
            { price: "12.50", compareAtPrice: "15.00" },
          ],
          new Date(Date.now() + 180_000).toISOString(),
        ),
      );
    }
  });

  it("refuses expired, unexpiring, forged and other apps' tokens, and requests without one, with 401", async () => {
    const refused = {
      expired: await checkoutToken({ expiresInSeconds: -60 }),
      "without an expiry": await checkoutToken({ expiresInSeconds: null }),
      forged: await checkoutToken({ secret: "not-the-app-secret" }),
      "other app": await checkoutToken({ apiKey: "another-apps-client-id" }),
    };
    for (const [kind, token] of Object.entries(refused)) {
      const response = await askOffers(body(), token);
      expect(response.status, kind).toBe(401);
      expect(response.headers.get("Access-Control-Allow-Origin"), kind).toBe("*");
    }
    const anonymous = await callRoute(action, checkoutRequest("/api/checkout/offers", { body: body() }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers the CORS preflight in the loader", async () => {
    const preflight = checkoutRequest("/api/checkout/offers", {
      method: "OPTIONS",
      headers: {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    const response = await callRoute(loader, preflight);
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization.*Content-Type/);
    expect(response.headers.get("Access-Control-Max-Age")).toBe("7200");

    const get = await callRoute(
      loader,
      checkoutRequest("/api/checkout/offers", { method: "GET", token: await checkoutToken() }),
    );
    expect(get.status).toBe(405);
    expect(get.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers bad input with 400 naming the field, with CORS headers", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [body({ cart: { lines: [{ productId: "gid://shopify/Order/5" }] } }), /cart\.lines\.0\.productId/],
      [body({ surface: "email" }), /surface: must be one of checkout, cart-line-list, thank-you, storefront/],
      [body({ cart: { lines: Array.from({ length: 101 }, (_, i) => line(String(i + 1))) } }), /cart\.lines/],
      [[1, 2, 3], /body/],
    ];
    for (const [input, message] of cases) {
      const response = await askOffers(input);
      expect(response.status).toBe(400);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      const { error } = await response.json();
      expect(error.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(message);
    }
    const token = await checkoutToken();
    const notJson = await callRoute(
      action,
      checkoutRequest("/api/checkout/offers", { token, rawBody: "{cart: nope" }),
    );
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toBe("The body is not valid JSON.");
    const huge = await callRoute(
      action,
      checkoutRequest("/api/checkout/offers", {
        token,
        rawBody: JSON.stringify({ pad: "x".repeat(70_000) }),
      }),
    );
    expect(huge.status).toBe(413);
  });

  it("counts each answer to the shop for its serving health, every status alike, failures apart", async () => {
    await flushOffersAnswers();
    const before = await offersAnswers(TEST_SHOP, { days: 1 });
    expect((await askOffers(body())).status).toBe(200);
    expect((await askOffers(body({ cart: { lines: [line(POPULAR[1]!)] } }))).status).toBe(200);
    expect((await askOffers(body({ surface: "email" }))).status).toBe(400);
    // Another shop's answers are its own.
    await askOffers(body(), await checkoutToken({ shop: "stranger.myshopify.com" }));
    await flushOffersAnswers();
    const after = await offersAnswers(TEST_SHOP, { days: 1 });
    expect(after.requests - before.requests).toBe(3);
    expect(after.failures - before.failures).toBe(0);
    const sum = (counts: typeof after) => counts.buckets.reduce((total, n) => total + n, 0);
    expect(sum(after) - sum(before)).toBe(3);
  });

  it("counts an answer that failed on our side as a failure", async () => {
    const answers: Array<[string, number]> = [];
    const response = await handleCheckoutRequest(
      checkoutRequest("/api/checkout/offers", { token: await checkoutToken(), body: body() }),
      async () => {
        throw new Error("the database went away");
      },
      { onAnswer: (shop, status) => answers.push([shop, status]) },
    );
    expect(response.status).toBe(500);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(answers).toEqual([[TEST_SHOP, 500]]);
  });

  it("answers 404 for a shop that never installed the app or uninstalled it", async () => {
    const stranger = await askOffers(body(), await checkoutToken({ shop: "stranger.myshopify.com" }));
    expect(stranger.status).toBe(404);
    expect((await stranger.json()).error.message).toMatch(/Unknown or uninstalled shop/);

    await markInstalled(db(), "gone.myshopify.com");
    await markUninstalled(db(), "gone.myshopify.com");
    const gone = await askOffers(body(), await checkoutToken({ shop: "gone.myshopify.com" }));
    expect(gone.status).toBe(404);
  });
});

describe("a shop whose history came from a file, without any Shopify order", () => {
  const IMPORTED_SHOP = "imported-history.myshopify.com";

  it("answers the checkout with offers the extension reads, though the shop's currency is unknown", async () => {
    const { shop } = await markInstalled(db(), IMPORTED_SHOP);
    // Its catalog came from Shopify; its orders from a CSV file, which names no currency.
    await upsertProductBatch(db(), {
      shopId: shop.id,
      products: POPULAR.slice(0, 4).map((externalId) => buildProduct({ externalId })),
      replaceVariants: true,
    });
    await upsertOrderBatch(db(), {
      shopId: shop.id,
      source: "csv",
      orders: POPULAR.slice(0, 4).flatMap((productId, i) =>
        Array.from({ length: 6 - i }, (_, n) =>
          buildOrder({ externalId: `file-${productId}-${n}`, currency: null, lines: [{ productId }] }),
        ),
      ),
    });
    await announceServingChange(IMPORTED_SHOP);

    const response = await askOffers(body({ locale: "fr" }), await checkoutToken({ shop: IMPORTED_SHOP }));
    expect(response.status).toBe(200);
    const answer = await response.json();
    const read = parseOffersResponse(answer);
    expect(read?.offers.map((offer) => offer.variantId)).toEqual(
      POPULAR.slice(0, 3).map((id) => `gid://shopify/ProductVariant/${id}1`),
    );
    expect(read?.offers.map((offer) => offer.offerId)).toEqual(
      answer.offers.map((offer: { offerId: string }) => offer.offerId),
    );
    expect(read?.offers[0]?.reason).toBe("Populaire en ce moment");
  });
});

describe("GET /proxy/offers (app proxy)", () => {
  it("answers a request signed by Shopify's proxy with storefront offers for the listed products", async () => {
    const request = await appProxyRequest("/proxy/offers", {
      query: { products: `${POPULAR[0]},gid://shopify/Product/${POPULAR[2]}` },
      customerId: "7012345678901",
    });
    const response = await callRoute(proxyLoader, request);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
    const answer = await response.json();
    expect(productIds(answer.offers)).toEqual([POPULAR[1], POPULAR[3], POPULAR[4]]);
    expect(answer.modelVersion).toBeNull();
    expect(verifyOfferToken(answer.offers[0].offerId, TEST_SHOP)?.surface).toBe("storefront");
    // The storefront prices them in the shopper's market; a price in the shop's currency would be
    // wrong for a shopper buying in another.
    expect(answer.offers[0]).not.toHaveProperty("price");
  });

  it("refuses a wrong signature and names a bad product list", async () => {
    const forged = await appProxyRequest("/proxy/offers", { secret: "not-the-app-secret" });
    expect((await callRoute(proxyLoader, forged)).status).toBe(400);

    const tampered = await appProxyRequest("/proxy/offers", { query: { products: POPULAR[0]! } });
    const url = new URL(tampered.url);
    url.searchParams.set("logged_in_customer_id", "1");
    const response = await callRoute(proxyLoader, new Request(url, { headers: tampered.headers }));
    expect(response.status).toBe(400);

    const bad = await appProxyRequest("/proxy/offers", { query: { products: "1,two" } });
    const answer = await callRoute(proxyLoader, bad);
    expect(answer.status).toBe(400);
    expect((await answer.json()).error.message).toMatch(/products\.1: must be a Product id/);
  });
});
