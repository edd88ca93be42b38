import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { shopOfferKey } from "~/lib/offer-token.server";
import { OFFER_DISCOUNT_TITLE } from "~/lib/order-snapshot";
import { upsertOrderBatch } from "~/models/orders.server";
import { markInstalled, markUninstalled } from "~/models/shops.server";
import {
  closeOfferDiscountWhenSpent,
  requestNightlyOfferDiscountSync,
  requestOfferDiscountSyncAtInstall,
  syncOfferDiscount,
} from "~/services/sync-offer-discount.server";
import { updateShopSettings } from "~/services/update-shop-settings.server";
import { adminGraphql } from "~/shopify/admin-graphql.server";
import { API_VERSION, shopify } from "~/shopify.server";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

// The Shopify client keeps the fetch it finds when imported, so the fake must be listening first.
const admin = await vi.hoisted(async () =>
  (await import("../fixtures/admin-api-discounts")).listeningDiscountApi(),
);

const silent = pino({ level: "silent" });
const ON = { enabled: true, maxPercent: 20, monthlyBudget: 100, combinesWithOrderDiscounts: false };
let shopId: string;

async function sync() {
  const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
  return syncOfferDiscount(db(), {
    shopDomain: TEST_SHOP,
    admin: adminGraphql(client.graphql, { wait: async () => {} }),
    log: silent,
  });
}

async function setDiscounts(discounts: object) {
  await db().shop.update({ where: { id: shopId }, data: { settings: { discounts } } });
}

const storedId = async () =>
  (await db().shop.findUniqueOrThrow({ where: { id: shopId }, select: { offerDiscountId: true } }))
    .offerDiscountId;

/** A guest's grant of a day, as serving records it, that no order has redeemed. */
async function grantLive({ offerId, value, grantedAt }: { offerId: string; value: string; grantedAt: Date }) {
  await db().offerGrant.create({
    data: {
      shopId,
      holder: "checkout:someone",
      productId: "8000000001",
      percent: 10,
      quantity: 1,
      value,
      offerId,
      grantedAt,
      expiresAt: new Date(grantedAt.getTime() + 86_400_000),
    },
  });
}

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
beforeEach(async () => {
  admin.discounts.clear();
  admin.throttleCalls.clear();
  await db().shop.update({ where: { id: shopId }, data: { offerDiscountId: null, settings: {} } });
});

describe("the shop's offer discount in Shopify", () => {
  it("is created once discounts are on: our function, product class, the shop's key and cap", async () => {
    expect(await sync()).toBe("unchanged");
    expect(admin.discounts.size).toBe(0);

    await setDiscounts(ON);
    expect(await sync()).toBe("created");
    const [discount] = [...admin.discounts.values()];
    expect(discount).toMatchObject({
      title: OFFER_DISCOUNT_TITLE,
      functionHandle: "offer-discount",
      discountClasses: ["PRODUCT"],
      combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    });
    expect(discount!.metafields.get("$app.offer-discount")?.type).toBe("json");
    expect(admin.config(discount!.id)).toEqual({
      key: shopOfferKey(TEST_SHOP).toString("hex"),
      maxPercent: 20,
      message: OFFER_DISCOUNT_TITLE,
    });
    // The key is the shop's own, never the app secret.
    expect(JSON.stringify(admin.config(discount!.id))).not.toContain(process.env.SHOPIFY_API_SECRET);
    expect(await storedId()).toBe(discount!.id);
  });

  it("is updated in place when the settings change, however often the sync runs", async () => {
    await setDiscounts(ON);
    await sync();
    const id = await storedId();
    await setDiscounts({ ...ON, maxPercent: 12, combinesWithOrderDiscounts: true });
    expect(await sync()).toBe("updated");
    expect(await sync()).toBe("updated");
    expect([...admin.discounts.keys()]).toEqual([id]);
    expect(admin.config(id!)).toMatchObject({ maxPercent: 12 });
    expect(admin.discounts.get(id!)?.combinesWith).toMatchObject({ orderDiscounts: true });
  });

  it("adopts the discount an interrupted run created, and creates one deleted in the admin anew", async () => {
    await setDiscounts(ON);
    await sync();
    const created = await storedId();
    // The run that created it died before it could record the id.
    await db().shop.update({ where: { id: shopId }, data: { offerDiscountId: null } });
    expect(await sync()).toBe("updated");
    expect(await storedId()).toBe(created);
    expect(admin.discounts.size).toBe(1);

    admin.discounts.clear();
    expect(await sync()).toBe("created");
    expect(admin.discounts.size).toBe(1);
    expect(await storedId()).not.toBe(created);
  });

  it("leaves another app's discount of the same title alone", async () => {
    const theirs = "gid://shopify/DiscountAutomaticNode/9001";
    admin.discounts.set(theirs, {
      id: theirs,
      title: OFFER_DISCOUNT_TITLE,
      functionHandle: "their-function",
      appKey: "another-app",
      discountClasses: ["PRODUCT"],
      startsAt: new Date().toISOString(),
      combinesWith: {},
      metafields: new Map(),
    });
    await setDiscounts(ON);
    expect(await sync()).toBe("created");
    await setDiscounts({ ...ON, enabled: false });
    expect(await sync()).toBe("deleted");
    expect([...admin.discounts.keys()]).toEqual([theirs]);
  });

  it("is deleted when discounts are switched off, and a throttled call is retried", async () => {
    await setDiscounts(ON);
    await sync();
    await setDiscounts({ ...ON, enabled: false });
    admin.throttleCalls.add(admin.calls.total + 1);
    expect(await sync()).toBe("deleted");
    expect(admin.calls.throttled).toBeGreaterThan(0);
    expect(admin.discounts.size).toBe(0);
    expect(await storedId()).toBeNull();
    expect(await sync()).toBe("unchanged");
  });

  it("closes once the month's orders and live grants reach the budget, and opens when it has room", async () => {
    await setDiscounts({ ...ON, monthlyBudget: 10 });
    await sync();
    const id = (await storedId())!;
    expect(admin.config(id)).toMatchObject({ maxPercent: 20 });
    const now = new Date();
    await upsertOrderBatch(db(), {
      shopId,
      source: "shopify",
      orders: [
        buildOrder({
          externalId: "reused-offer-order",
          orderedAt: now.toISOString(),
          lines: [{ productId: "8000000001", offerId: "o3.copied", offerDiscount: "6.00" }],
        }),
      ],
    });
    await grantLive({ offerId: "o3.outstanding", value: "4.00", grantedAt: now });
    // 6.00 received + 4.00 outstanding = the budget: the function must give nothing more.
    expect(await closeOfferDiscountWhenSpent(db(), { shopId, shopDomain: TEST_SHOP, now })).toBe(true);
    await sync();
    expect(admin.config(id)).toMatchObject({ maxPercent: 0 });

    // The merchant raises the budget: the discount opens again.
    await setDiscounts({ ...ON, monthlyBudget: 50 });
    expect(await closeOfferDiscountWhenSpent(db(), { shopId, shopDomain: TEST_SHOP, now })).toBe(false);
    await sync();
    expect(admin.config(id)).toMatchObject({ maxPercent: 20 });
    await db().offerGrant.deleteMany({ where: { shopId } });
    await db().order.deleteMany({ where: { shopId } });
  });

  it("is synced nightly for every shop with discounts on or a discount left", async () => {
    await setDiscounts(ON);
    expect(await requestNightlyOfferDiscountSync(db(), new Date("2026-12-01T00:05:00Z"))).toBe(1);
    const job = await queue("discounts").getJob(`offer-discount-${TEST_SHOP}-night-2026-12-01`);
    expect(job?.data).toEqual({ shopDomain: TEST_SHOP });
    await job?.remove();
    await setDiscounts({ ...ON, enabled: false });
    expect(await requestNightlyOfferDiscountSync(db())).toBe(0);
  });

  it("syncs when the merchant saves discount settings, and at install when discounts are on", async () => {
    let workers: RunningWorkers | undefined;
    try {
      workers = await startWorkers({ queues: ["discounts"] });
      const saved = await updateShopSettings(db(), {
        shopDomain: TEST_SHOP,
        input: { discounts: { enabled: true, maxPercent: 15, monthlyBudget: 50 } },
      });
      expect(saved.ok).toBe(true);
      await waitFor(async () => admin.discounts.size === 1);
      const id = await waitFor(async () => (await storedId()) ?? undefined);
      expect(admin.config(id!)).toMatchObject({ maxPercent: 15 });

      // Someone deletes it in the Shopify admin; reinstalling the app brings it back.
      admin.discounts.clear();
      expect(await requestOfferDiscountSyncAtInstall(db(), TEST_SHOP)).toBe(true);
      await waitFor(async () => admin.discounts.size === 1);
    } finally {
      await workers?.close();
    }
  });

  it("is forgotten at uninstall, with what live offers had set aside", async () => {
    await setDiscounts(ON);
    await sync();
    await grantLive({ offerId: "o3.live-offer", value: "1.25", grantedAt: new Date() });
    await markUninstalled(db(), TEST_SHOP);
    expect(await storedId()).toBeNull();
    const grant = await db().offerGrant.findFirstOrThrow({ where: { shopId } });
    expect(grant.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    await markInstalled(db(), TEST_SHOP);
    await shopify().sessionStorage.storeSession(
      setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined }),
    );
  });
});
