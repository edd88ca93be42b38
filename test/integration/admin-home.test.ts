import { API_KEY, API_SECRET_KEY, BASE64_HOST, getJwt } from "@shopify/shopify-api/test-helpers";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { signSessionToken } from "~/lib/session-token.server";
import { loader } from "~/routes/app._index";
import { loader as authLoader } from "~/routes/auth.$";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { BROWSER_UA } from "../helpers/shopify";

isolateIntegration();

async function adminRequest(withToken: boolean | string) {
  const url = new URL("https://my-test-app.myshopify.io/app");
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", DEMO_SHOP);
  url.searchParams.set("host", BASE64_HOST);
  if (typeof withToken === "string") url.searchParams.set("id_token", withToken);
  else if (withToken) {
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

  it("explains a link whose session token expired, is damaged or missing, instead of a blank page", async () => {
    const expired = await signSessionToken({
      shop: DEMO_SHOP,
      apiKey: env().SHOPIFY_API_KEY,
      secret: env().SHOPIFY_API_SECRET,
      ttlSeconds: -60,
    });
    for (const token of [expired, "not-a-token", false]) {
      const response = await callRoute(loader, await adminRequest(token));
      expect(response.status).toBe(302);
      const bounce = new URL(response.headers.get("Location")!, "https://my-test-app.myshopify.io");
      expect(bounce.pathname).toBe("/auth/session-token");

      const page = await callRoute(
        authLoader,
        new Request(bounce, { headers: { "User-Agent": BROWSER_UA } }),
        { "*": "session-token" },
      );
      expect(page.status).toBe(200);
      expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
      const html = await page.text();
      // Inside Shopify, App Bridge still fetches a new token and reloads the page.
      expect(html).toContain('src="https://cdn.shopify.com/shopifycloud/app-bridge.js"');
      expect(html).toContain("This link has expired or is broken");
      expect(html).toContain("npm run demo");
    }
    // A client that is not a browser still gets the library's 410, with no page.
    const curl = await callRoute(
      authLoader,
      new Request(`https://my-test-app.myshopify.io/auth/session-token?shop=${DEMO_SHOP}`, {
        headers: { "User-Agent": "curl/8.5.0" },
      }),
    );
    expect(curl.status).toBe(410);
    expect(await curl.text()).toBe("");
  });
});
