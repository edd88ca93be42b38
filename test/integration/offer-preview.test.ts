import { API_KEY, API_SECRET_KEY, BASE64_HOST, getJwt } from "@shopify/shopify-api/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader } from "~/routes/app.preview";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { BROWSER_UA } from "../helpers/shopify";

isolateIntegration();

async function preview(params: Record<string, string>) {
  const url = new URL("https://my-test-app.myshopify.io/app/preview");
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", DEMO_SHOP);
  url.searchParams.set("host", BASE64_HOST);
  const { token } = await getJwt(DEMO_SHOP.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY);
  url.searchParams.set("id_token", token);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await callRoute(loader, new Request(url, { headers: { "User-Agent": BROWSER_UA } }));
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  await seedDemoShop(db(), { seed: 5, synthetic: { orders: 1_500, customers: 300 }, scopes: "read_orders" });
});

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
      expect(Number(offer.price.amount)).toBeGreaterThan(0);
    }
    expect(page.customers.length).toBeGreaterThan(0);
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
