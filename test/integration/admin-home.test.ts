import { API_KEY, API_SECRET_KEY, BASE64_HOST, getJwt } from "@shopify/shopify-api/test-helpers";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader } from "~/routes/app._index";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { BROWSER_UA } from "../helpers/shopify";

isolateIntegration();

async function adminRequest(withToken: boolean) {
  const url = new URL("https://my-test-app.myshopify.io/app");
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", DEMO_SHOP);
  url.searchParams.set("host", BASE64_HOST);
  if (withToken) {
    const { token } = await getJwt(DEMO_SHOP.replace(".myshopify.com", ""), API_KEY, API_SECRET_KEY);
    url.searchParams.set("id_token", token);
  }
  return new Request(url, { headers: { "User-Agent": BROWSER_UA } });
}

describe("the admin home page", () => {
  it("shows the demo shop's seeded history to a merchant with a valid session token", async () => {
    const seeded = await seedDemoShop(db(), { seed: 3, scopes: "read_orders,read_products" });
    expect(seeded.rejected).toEqual([]);
    expect(seeded.orders).toBeGreaterThan(10_000);

    const response = await callRoute(loader, await adminRequest(true));
    expect(response.status).toBe(200);
    const overview = await response.json();
    expect(overview.summary).toMatchObject({
      orders: seeded.orders,
      lines: seeded.lines,
      products: seeded.products,
    });
    expect(overview.summary.customers).toBeGreaterThan(1_000);
  });

  it("does not show anything without a session token", async () => {
    const response = await callRoute(loader, await adminRequest(false));
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain("orders");
  });
});
