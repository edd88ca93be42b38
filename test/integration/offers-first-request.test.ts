import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { loader as proxyLoader } from "~/routes/proxy.offers";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { appProxyRequest, TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

let shopId: string;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
});

const firstRequest = async () =>
  (await db().shop.findUniqueOrThrow({ where: { id: shopId } })).offersFirstRequestedAt;

describe("the first offers request of a shop", () => {
  it("is recorded when the storefront asks through the app proxy, and written once per process", async () => {
    expect(await firstRequest()).toBeNull();
    const ask = async () => {
      const request = await appProxyRequest("/proxy/offers", { query: { products: POPULAR[0]! } });
      expect((await callRoute(proxyLoader, request)).status).toBe(200);
    };
    await ask();
    const first = await waitFor(async () => (await firstRequest()) ?? undefined, 5_000);
    expect(first).toBeInstanceOf(Date);

    // The process remembers the shop: later requests do not write again.
    await db().shop.update({ where: { id: shopId }, data: { offersFirstRequestedAt: null } });
    await ask();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await firstRequest()).toBeNull();
  });
});
