import { API_KEY, API_SECRET_KEY, BASE64_HOST, getJwt } from "@shopify/shopify-api/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import type { OrderSnapshot, ProductSnapshot } from "~/lib/order-snapshot";
import { upsertOrderBatch } from "~/models/orders.server";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled } from "~/models/shops.server";
import { loader } from "~/routes/app.preview";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { announceServingChange } from "~/serving/serving.server";
import { buildOrder, buildProduct } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { callRoute } from "../helpers/routes";
import { BROWSER_UA } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

async function preview(params: Record<string, string>, shop = DEMO_SHOP) {
  const url = new URL("https://my-test-app.myshopify.io/app/preview");
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", BASE64_HOST);
  const { token } = await getJwt(shop.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY);
  url.searchParams.set("id_token", token);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await callRoute(loader, new Request(url, { headers: { "User-Agent": BROWSER_UA } }));
  expect(response.status).toBe(200);
  return response.json();
}

const productIds = (offers: Array<{ productId: string }>) =>
  offers.map((offer) => offer.productId.replace("gid://shopify/Product/", ""));

let demoShopId: string;
beforeAll(async () => {
  await seedDemoShop(db(), { seed: 5, synthetic: { orders: 1_500, customers: 300 }, scopes: "read_orders" });
  demoShopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
}, 60_000);

describe("the offer preview page", () => {
  it("shows the checkout's offers for an order's customer and products, never the cart", async () => {
    const order = await db().order.findFirstOrThrow({
      where: { customerKey: { not: null } },
      include: { lines: true },
      orderBy: { orderedAt: "desc" },
    });
    const page = await preview({ order: order.externalId });
    expect(page.notice).toBeNull();
    expect(page.customerKey).toBe(order.customerKey);
    const cart = page.cart.map((p: { productId: string }) => p.productId);
    expect(cart.length).toBeGreaterThan(0);
    expect(order.lines.map((l) => l.productId)).toEqual(expect.arrayContaining(cart));
    expect(page.result.offers.length).toBeGreaterThan(0);
    for (const offer of page.result.offers) {
      expect(cart).not.toContain(offer.productId.split("/").pop());
      expect(offer.reason).toBeTruthy();
      // The merchant sees the shop's own price (a shop without Shopify orders has no currency yet).
      expect(Number(page.result.shopPrices[offer.productId].amount)).toBeGreaterThan(0);
    }
    expect(page.customers.length).toBeGreaterThan(0);
    expect(page.noOffers).toBeNull();
  });

  it("says what discount each offer would get and why, granting none, while discounts are on", async () => {
    const shop = await db().shop.findUniqueOrThrow({ where: { id: demoShopId } });
    const settings = shop.settings as { discounts?: Record<string, unknown> };
    const withDiscounts = (enabled: boolean) => ({
      ...settings,
      discounts: { ...settings.discounts, enabled, monthlyBudget: 500, maxPercent: 15 },
    });
    const order = await db().order.findFirstOrThrow({
      where: { customerKey: { not: null } },
      orderBy: { orderedAt: "desc" },
    });
    try {
      await db().shop.update({ where: { id: demoShopId }, data: { settings: withDiscounts(true) } });
      await announceServingChange(DEMO_SHOP);
      const grantsBefore = await db().offerGrant.count({ where: { shopId: demoShopId } });
      const page = await preview({ order: order.externalId });
      expect(page.result.offers.length).toBeGreaterThan(0);
      for (const offer of page.result.offers) {
        const note = page.result.discountNotes[offer.productId];
        expect(note.percent).toBeLessThanOrEqual(15);
        expect(note.explanation).toMatch(/^(Learning: |No discount: |\d+% off: |Trying )/);
      }
      expect(await db().offerGrant.count({ where: { shopId: demoShopId } })).toBe(grantsBefore);

      await db().shop.update({ where: { id: demoShopId }, data: { settings: withDiscounts(false) } });
      await announceServingChange(DEMO_SHOP);
      const off = await preview({ order: order.externalId });
      expect(off.result.discountNotes).toEqual({});
    } finally {
      await db().shop.update({ where: { id: demoShopId }, data: { settings: shop.settings ?? {} } });
      await announceServingChange(DEMO_SHOP);
    }
  });

  it("finds products to add by title and explains an unknown order or a bad address", async () => {
    const product = await db().product.findFirstOrThrow({ orderBy: { externalId: "asc" } });
    const word = product.title.split(" ")[0]!;
    const page = await preview({ q: word });
    expect(page.matches.map((m: { productId: string }) => m.productId)).toContain(product.externalId);

    expect((await preview({ order: "no-such-order" })).notice).toBe("No order no-such-order in this shop.");
    const bad = await preview({ cart: "x,../../etc" });
    expect(bad.notice).toMatch(/^Ignored the address: cart/);
    expect(bad.cart).toEqual([]);
  });
});

describe("an order previewed as its checkout was", () => {
  // Keyed with the app's secret, read once the test's environment is set.
  let shopper: string;
  // A in an earlier order; B, C, D and E in the previewed one; F in a later one.
  let A: string, B: string, C: string, D: string, E: string, F: string;
  const titles = new Map<string, string>();
  let previewedAt: Date;

  beforeAll(async () => {
    shopper = customerKey(DEMO_SHOP, "C-PREVIEWED");
    await trainLiveModel(DEMO_SHOP);
    // Served once a request's background refresh has loaded it.
    await waitFor(async () => (await preview({})).result.modelVersion === 1);
    const products = await db().product.findMany({
      where: { shopId: demoShopId },
      orderBy: { externalId: "asc" },
    });
    [A, B, C, D, E, F] = products.slice(10, 16).map((p) => p.externalId) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    for (const p of products) titles.set(p.externalId, p.title);
    const last = await db().order.aggregate({ where: { shopId: demoShopId }, _max: { orderedAt: true } });
    const day = (n: number) => new Date(last._max.orderedAt!.getTime() - n * 86_400_000);
    previewedAt = day(10);
    const orders: OrderSnapshot[] = [
      buildOrder({
        externalId: "P-1",
        customerKey: shopper,
        orderedAt: day(20).toISOString(),
        lines: [{ productId: A }],
      }),
      buildOrder({
        externalId: "P-2",
        customerKey: shopper,
        orderedAt: previewedAt.toISOString(),
        lines: [B, C, D, E].map((productId) => ({ productId })),
      }),
      buildOrder({
        externalId: "P-3",
        customerKey: shopper,
        orderedAt: day(5).toISOString(),
        lines: [{ productId: F }],
      }),
    ];
    await upsertOrderBatch(db(), { shopId: demoShopId, source: "csv", orders });
  }, 120_000);

  it("puts every product of the order in the cart, names its customer and counts only the purchases before it", async () => {
    const page = await preview({ order: "P-2" });
    expect(page.notice).toBeNull();
    expect(page.order).toEqual({ orderNumber: "P-2", orderedAt: previewedAt.toISOString(), guest: false });
    expect(page.cart).toEqual([B, C, D, E].map((productId) => ({ productId, title: titles.get(productId) })));
    expect(page.customerKey).toBe(shopper);
    // The customer is in the picker (three orders: far from the most frequent) so the picker shows them.
    expect(page.customers).toContainEqual({
      customerKey: shopper,
      orders: 3,
      lastOrderAt: expect.any(String),
    });
    expect(page.purchases).toEqual([
      {
        orderNumber: "P-1",
        orderedAt: expect.any(String),
        products: [{ productId: A, title: titles.get(A) }],
      },
    ]);
    const offered = productIds(page.result.offers);
    expect(offered.length).toBeGreaterThan(0);
    expect(page.result.modelVersion).not.toBeNull();
    for (const never of [B, C, D, E]) expect(offered).not.toContain(never);
    // "You bought this before" only ever names what was bought before the order.
    for (const offer of page.result.offers) {
      if (offer.reasonKind === "bought-before") expect(offer.productId).toBe(`gid://shopify/Product/${A}`);
    }
  });

  it("lists a chosen customer's latest purchases, newest first, with the products' titles", async () => {
    const page = await preview({ customer: shopper });
    expect(page.order).toBeNull();
    expect(page.purchases.map((p: { orderNumber: string }) => p.orderNumber)).toEqual(["P-3", "P-2", "P-1"]);
    expect(page.purchases[1].products).toEqual(
      [B, C, D, E].map((productId) => ({ productId, title: titles.get(productId) })),
    );
    expect(page.customers[0]).toEqual({ customerKey: shopper, orders: 3, lastOrderAt: expect.any(String) });
  });

  it("says so when the order was a guest checkout", async () => {
    await upsertOrderBatch(db(), {
      shopId: demoShopId,
      source: "csv",
      orders: [
        buildOrder({ externalId: "G-1", orderedAt: previewedAt.toISOString(), lines: [{ productId: A }] }),
      ],
    });
    const page = await preview({ order: "#G-1" });
    expect(page.order).toMatchObject({ orderNumber: "G-1", guest: true });
    expect(page.customerKey).toBeNull();
    expect(page.purchases).toEqual([]);
    expect(page.cart.map((p: { productId: string }) => p.productId)).toEqual([A]);
  });
});

describe("a checkout without offers", () => {
  let shops = 0;
  /** A shop of its own (the offers service keeps each shop's settings in memory for a while). */
  async function shopWith({
    settings = {},
    products = [buildProduct({ externalId: "8100000001" }), buildProduct({ externalId: "8100000002" })],
    orders = [["8100000001"], ["8100000001", "8100000002"]],
  }: {
    settings?: object;
    products?: ProductSnapshot[];
    orders?: string[][];
  }) {
    const domain = `empty-${++shops}.myshopify.com`;
    const { shop } = await markInstalled(db(), domain);
    await db().session.create({
      data: {
        id: `offline_${domain}`,
        shop: domain,
        state: "test",
        isOnline: false,
        accessToken: "test-token",
      },
    });
    await db().shop.update({ where: { id: shop.id }, data: { settings } });
    await upsertProductBatch(db(), { shopId: shop.id, products, replaceVariants: true });
    await upsertOrderBatch(db(), {
      shopId: shop.id,
      source: "shopify",
      orders: orders.map((lines, i) =>
        buildOrder({
          externalId: `${domain}-${i}`,
          orderedAt: new Date(Date.now() - (i + 1) * 86_400_000).toISOString(),
          lines: lines.map((productId) => ({ productId })),
        }),
      ),
    });
    return domain;
  }

  const reasonFor = async (domain: string, params: Record<string, string> = {}) => {
    const page = await preview(params, domain);
    expect(page.result.offers).toEqual([]);
    return page.noOffers;
  };

  it("offers something in a shop where nothing is wrong", async () => {
    const page = await preview({}, await shopWith({}));
    expect(productIds(page.result.offers)).toEqual(["8100000001", "8100000002"]);
    expect(page.noOffers).toBeNull();
  });

  it("says the app is turned off, and where to turn it on", async () => {
    const reason = await reasonFor(await shopWith({ settings: { enabled: false } }));
    expect(reason).toEqual({
      reason: "app-off",
      heading: "The app is turned off",
      detail: expect.stringContaining("Turn it on in Settings"),
      action: { label: "Open Settings", path: "/app/settings" },
    });
  });

  it("says the checkout surface is turned off", async () => {
    const reason = await reasonFor(await shopWith({ settings: { surfaces: ["thank-you", "storefront"] } }));
    expect(reason).toMatchObject({ reason: "checkout-off", heading: "Offers in checkout are turned off" });
  });

  it("says the shop has no product that can be offered", async () => {
    const products = [
      buildProduct({ externalId: "8100000001", status: "DRAFT" }),
      buildProduct({ externalId: "8100000002", variants: [{ available: false }] }),
      buildProduct({ externalId: "8100000003", price: null, variants: [{ price: null }] }),
    ];
    const reason = await reasonFor(await shopWith({ products }));
    expect(reason).toMatchObject({
      reason: "no-offerable-products",
      heading: "No product can be offered yet",
    });
  });

  it("says there is no model yet and no recent orders to rank by", async () => {
    const reason = await reasonFor(await shopWith({ orders: [] }));
    expect(reason).toMatchObject({ reason: "nothing-to-rank", heading: "Nothing to rank offers by yet" });
    expect(reason.detail).toContain("Import your order history");
  });

  it("blames the merchant's exclusions, by product or by tag, when they removed every ranked product", async () => {
    const products = [
      buildProduct({ externalId: "8100000001" }),
      buildProduct({ externalId: "8100000002", tags: ["Clearance"] }),
    ];
    const settings = { excludedProductIds: ["8100000001"], excludedTags: ["clearance "] };
    const reason = await reasonFor(await shopWith({ products, settings }));
    expect(reason).toMatchObject({
      reason: "all-excluded",
      heading: "Your exclusions leave nothing to offer",
    });
  });

  it("says the ranked products cannot be offered when the cart already holds them", async () => {
    const reason = await reasonFor(await shopWith({}), { cart: "8100000001,8100000002" });
    expect(reason).toMatchObject({ reason: "nothing-offerable-ranked", action: null });
  });
});
