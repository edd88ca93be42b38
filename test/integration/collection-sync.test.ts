import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { productsInCollections } from "~/models/collection-products.server";
import { markInstalled } from "~/models/shops.server";
import { requestNightlyCollectionSync } from "~/services/request-collection-sync.server";
import { syncExcludedCollections } from "~/services/sync-excluded-collections.server";
import { updateShopSettings } from "~/services/update-shop-settings.server";
import { adminGraphql } from "~/shopify/admin-graphql.server";
import { API_VERSION, shopify } from "~/shopify.server";
import { isolateIntegration } from "../helpers/integration";
import { TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

// The Shopify client keeps the fetch it finds when imported, so the fake must be listening first.
const admin = await vi.hoisted(async () => {
  const { fakeCollectionApi } = await import("../fixtures/admin-api-collections");
  const api = fakeCollectionApi({ shop: "test-shop.myshopify.com", apiVersion: "2026-10" });
  api.server.listen({ onUnhandledRequest: "error" });
  return api;
});

/** 260 products: two pages of the 250 the sync asks for. */
const SUMMER = "4100000001";
const SUMMER_PRODUCTS = Array.from({ length: 260 }, (_, i) => String(9_000_000_000_001 + i));
const GIFT_CARDS = "4100000002";
const UNKNOWN = "4100000099";
let shopId: string;
const silent = pino({ level: "silent" });

async function sync() {
  const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
  return syncExcludedCollections(db(), {
    shopDomain: TEST_SHOP,
    admin: adminGraphql(client.graphql),
    log: silent,
  });
}

async function setCollections(offers: string[], discounts: string[]) {
  await db().shop.update({
    where: { id: shopId },
    data: { settings: { excludedCollectionIds: offers, discounts: { excludedCollectionIds: discounts } } },
  });
}

const stored = async (collectionId: string) =>
  (
    await db().collectionProduct.findMany({
      where: { shopId, collectionId },
      select: { productId: true },
      orderBy: { productId: "asc" },
    })
  ).map((row) => row.productId);

beforeAll(async () => {
  expect(API_VERSION).toBe("2026-10");
  await shopify().sessionStorage.storeSession(
    setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined }),
  );
  ({
    shop: { id: shopId },
  } = await markInstalled(db(), TEST_SHOP));
});
afterAll(() => admin.server.close());
beforeEach(() => {
  admin.collections.clear();
  admin.collections.set(SUMMER, [...SUMMER_PRODUCTS]);
  admin.collections.set(GIFT_CARDS, ["9100000000001", "9100000000002"]);
  admin.failing.clear();
  admin.requests.length = 0;
});

describe("syncing the excluded collections' products", () => {
  it("stores every product of the collections excluded from offers or discounts, page after page", async () => {
    await setCollections([SUMMER], [GIFT_CARDS]);
    expect(await sync()).toEqual({ synced: 2, missing: [], forgotten: 0 });

    expect(await stored(SUMMER)).toEqual([...SUMMER_PRODUCTS].sort());
    expect(await stored(GIFT_CARDS)).toEqual(["9100000000001", "9100000000002"]);
    const summerPages = admin.requests.filter(
      (request) => request.id === `gid://shopify/Collection/${SUMMER}`,
    );
    expect(summerPages.map(({ first, after }) => ({ first, after: after !== null }))).toEqual([
      { first: 250, after: false },
      { first: 250, after: true },
    ]);
  });

  it("replaces a collection's products, so one taken out of it is no longer excluded", async () => {
    await setCollections([SUMMER], [GIFT_CARDS]);
    await sync();
    const [removed, ...kept] = SUMMER_PRODUCTS;
    admin.collections.set(SUMMER, [...kept, "9000000009999"]);
    await sync();

    const members = await productsInCollections({ shopId, collectionIds: [SUMMER] });
    expect(members.has(removed!)).toBe(false);
    expect(members.has("9000000009999")).toBe(true);
    expect(members.size).toBe(260);
  });

  it("keeps what is stored of a collection Shopify does not have, or fails to read", async () => {
    await setCollections([SUMMER], [GIFT_CARDS]);
    await sync();
    admin.collections.delete(GIFT_CARDS);
    admin.collections.set(SUMMER, ["9000000009999"]);
    admin.failing.add(SUMMER);

    await expect(sync()).rejects.toThrow(/Internal error/);
    expect(await stored(SUMMER)).toHaveLength(260);

    // An answer that is not what the query asks for is refused, not stored.
    admin.failing.clear();
    admin.collections.set(SUMMER, ["9000000000001", "not-a-product"]);
    await expect(sync()).rejects.toThrow(/not a product gid/);
    expect(await stored(SUMMER)).toHaveLength(260);

    admin.failing.clear();
    admin.collections.set(SUMMER, [...SUMMER_PRODUCTS]);
    expect(await sync()).toEqual({ synced: 1, missing: [GIFT_CARDS], forgotten: 0 });
    expect(await stored(GIFT_CARDS)).toEqual(["9100000000001", "9100000000002"]);
  });

  it("stores nothing for a collection id Shopify never had", async () => {
    await setCollections([UNKNOWN], []);
    expect(await sync()).toMatchObject({ synced: 0, missing: [UNKNOWN] });
    expect(await stored(UNKNOWN)).toEqual([]);
  });

  it("forgets the collections the settings no longer exclude", async () => {
    await setCollections([SUMMER], [GIFT_CARDS]);
    await sync();
    await setCollections([], [GIFT_CARDS]);
    expect(await sync()).toEqual({ synced: 1, missing: [], forgotten: 260 });
    expect(await stored(SUMMER)).toEqual([]);
    expect(await stored(GIFT_CARDS)).toHaveLength(2);
  });
});

describe("sync-collections jobs", () => {
  let workers: RunningWorkers;
  beforeAll(async () => {
    await setCollections([], []);
    await sync();
    workers = await startWorkers({ queues: ["backfill"] });
  });
  afterAll(async () => {
    await workers.close();
  });

  it("syncs when the merchant saves other collection ids, and not on other changes", async () => {
    const saved = await updateShopSettings(db(), {
      shopDomain: TEST_SHOP,
      input: { excludedCollectionIds: [SUMMER] },
    });
    expect(saved.ok).toBe(true);
    await waitFor(async () => (await stored(SUMMER)).length === 260);

    const requests = admin.requests.length;
    await updateShopSettings(db(), { shopDomain: TEST_SHOP, input: { maxOffers: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(admin.requests.length).toBe(requests);
  });

  it("syncs every shop that excludes collections nightly, picking up Shopify's changes", async () => {
    admin.collections.set(SUMMER, SUMMER_PRODUCTS.slice(0, 10));
    // Neither a shop whose stored settings are unreadable nor an uninstalled one is synced.
    await db().shop.create({
      data: { domain: "unreadable.myshopify.com", settings: { excludedCollectionIds: "summer" } },
    });
    await db().shop.create({
      data: {
        domain: "gone.myshopify.com",
        settings: { excludedCollectionIds: [SUMMER] },
        uninstalledAt: new Date(),
      },
    });
    expect(await requestNightlyCollectionSync(db())).toBe(1);
    await waitFor(async () => (await stored(SUMMER)).length === 10);
  });
});
