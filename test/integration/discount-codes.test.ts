import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { enqueue } from "~/jobs/queues.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { replaceCollectionProducts } from "~/models/collection-products.server";
import { upsertProductBatch } from "~/models/products.server";
import { markInstalled } from "~/models/shops.server";
import { replenishDiscountCodes } from "~/services/replenish-discount-codes.server";
import { adminGraphql } from "~/shopify/admin-graphql.server";
import { API_VERSION, shopify } from "~/shopify.server";
import { buildProduct } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

// The Shopify client keeps the fetch it finds when imported, so the fake must be listening first.
// A small bucket (40 points, 50 a second) that four code creations empty, and a THROTTLED answer to
// the third call whatever the bucket says, as when another client of the app drained it.
const admin = await vi.hoisted(async () => {
  const { fakeDiscountApi } = await import("../fixtures/admin-api-discounts");
  const api = fakeDiscountApi({
    shop: "test-shop.myshopify.com",
    apiVersion: "2026-10",
    maximumAvailable: 40,
    restoreRate: 50,
    throttleCalls: [3],
    missingProducts: ["4000000000003"],
  });
  api.server.listen({ onUnhandledRequest: "error" });
  return api;
});

const MUG = "4000000000001";
const FILTERS = "4000000000002";
const GONE = "4000000000003";
let shopId: string;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  expect(API_VERSION).toBe("2026-10");
  await shopify().sessionStorage.storeSession(
    setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined }),
  );
  ({
    shop: { id: shopId },
  } = await markInstalled(db(), TEST_SHOP));
  await upsertProductBatch(db(), {
    shopId,
    products: [
      buildProduct({ externalId: MUG, title: "Ceramic mug" }),
      buildProduct({ externalId: FILTERS, title: "Paper filters" }),
      buildProduct({ externalId: GONE, title: "Deleted in Shopify" }),
    ],
    replaceVariants: true,
  });
});
afterAll(() => admin.server.close());

async function setDiscounts(discounts: Record<string, boolean | number | string[]>) {
  await db().shop.update({ where: { id: shopId }, data: { settings: { discounts } } });
}

async function want(productId: string, percent: number) {
  await db().discountPool.upsert({
    where: { shopId_productId_percent: { shopId, productId, percent } },
    create: { shopId, productId, percent },
    update: { wantedAt: new Date() },
  });
}

const codesOf = (productId: string, percent: number) =>
  db().discountCode.findMany({ where: { shopId, productId, percent }, orderBy: { id: "asc" } });

describe("replenish-discount-codes", () => {
  let workers: RunningWorkers;
  beforeAll(async () => {
    workers = await startWorkers({ queues: ["discounts"] });
  });
  afterAll(async () => {
    await workers.close();
  });

  it("stocks each wanted pool with single-use codes, waiting on the cost bucket and retrying THROTTLED", async () => {
    await setDiscounts({ enabled: true, maxPercent: 20, combinesWithOrderDiscounts: true });
    await want(MUG, 10);
    await want(FILTERS, 15);
    const started = Date.now();
    await enqueue("replenish-discount-codes", { shopDomain: TEST_SHOP }, { jobId: `discounts-${TEST_SHOP}` });

    const stocked = await waitFor(async () => {
      const codes = [...(await codesOf(MUG, 10)), ...(await codesOf(FILTERS, 15))];
      return codes.length === 10 && codes.every((code) => code.status === "available") ? codes : undefined;
    });

    // Ten creations of 10 points from a 40-point bucket refilling at 50 a second: the client waited
    // for the bucket rather than being refused, and retried the one refusal it could not foresee.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(admin.calls.forcedThrottles).toBe(1);
    expect(admin.calls.throttled).toBe(1);
    expect(admin.calls.created).toBe(10);
    expect(new Set(stocked.map((code) => code.code)).size).toBe(10);
    for (const code of stocked) {
      expect(code.code).toMatch(/^UP-[2-9A-HJ-NP-Z]{10}$/);
      expect(code.discountNodeId).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
      expect(code.issuedTo).toBeNull();
    }

    const mugCode = stocked.find((code) => code.productId === MUG)!;
    const created = admin.discounts.get(mugCode.discountNodeId!)!;
    expect(created.input).toEqual({
      code: mugCode.code,
      title: "Checkout offer 10% off Ceramic mug, single use",
      startsAt: expect.any(String),
      endsAt: mugCode.expiresAt.toISOString(),
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { all: "ALL" },
      customerGets: {
        items: { products: { productsToAdd: [`gid://shopify/Product/${MUG}`] } },
        value: { percentage: 0.1 },
      },
      combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: true },
    });
    const days = (mugCode.expiresAt.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
  });

  it("creates nothing more for pools that are stocked", async () => {
    const before = admin.calls.total;
    const result = await replenishDiscountCodes(db(), {
      shopDomain: TEST_SHOP,
      admin: adminGraphql((await shopify().unauthenticated.admin(TEST_SHOP)).admin.graphql),
      log: silent,
      poolSize: 5,
      codeLifetimeMs: 7 * 86_400_000,
    });
    expect(result).toMatchObject({ created: 0, recovered: 0, refused: 0 });
    expect(admin.calls.total).toBe(before);
  });
});

describe("replenishDiscountCodes", () => {
  const run = async () =>
    replenishDiscountCodes(db(), {
      shopDomain: TEST_SHOP,
      admin: adminGraphql((await shopify().unauthenticated.admin(TEST_SHOP)).admin.graphql, {
        backoffMs: 50,
      }),
      log: silent,
      poolSize: 2,
      codeLifetimeMs: 7 * 86_400_000,
    });

  beforeEach(async () => {
    await db().discountCode.deleteMany({});
    await db().discountPool.deleteMany({});
    await setDiscounts({ enabled: true, maxPercent: 20 });
  });

  it("finishes what an interrupted run reserved: adopts codes Shopify has, creates the others", async () => {
    const expiresAt = new Date(Date.now() + 5 * 86_400_000);
    await db().discountCode.createMany({
      data: [
        { shopId, productId: MUG, percent: 5, code: "UP-ALREADYTHERE", expiresAt },
        { shopId, productId: MUG, percent: 5, code: "UP-NEVERCREATED", expiresAt },
      ],
    });
    const existing = admin.seed({
      code: "UP-ALREADYTHERE",
      title: "Checkout offer 5% off Ceramic mug, single use",
      startsAt: new Date().toISOString(),
      endsAt: expiresAt.toISOString(),
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { all: "ALL" },
      customerGets: {
        items: { products: { productsToAdd: [`gid://shopify/Product/${MUG}`] } },
        value: { percentage: 0.05 },
      },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
    });

    expect(await run()).toMatchObject({ recovered: 2, created: 0, refused: 0 });
    const codes = await codesOf(MUG, 5);
    expect(codes.map((code) => [code.code, code.status])).toEqual([
      ["UP-ALREADYTHERE", "available"],
      ["UP-NEVERCREATED", "available"],
    ]);
    expect(codes[0]!.discountNodeId).toBe(existing);
    const again = [...admin.discounts.values()].filter((d) => d.input.code === "UP-NEVERCREATED");
    expect(again).toHaveLength(1);
  });

  it("never hands out codes Shopify refused, and keeps going with the other pools", async () => {
    await want(GONE, 10);
    await want(FILTERS, 10);
    expect(await run()).toMatchObject({ created: 2, refused: 2 });
    expect((await codesOf(GONE, 10)).map((code) => code.status)).toEqual(["expired", "expired"]);
    expect((await codesOf(FILTERS, 10)).map((code) => code.status)).toEqual(["available", "available"]);
  });

  it("stocks nothing when discounts are off, for excluded products or above the maximum percent", async () => {
    await want(MUG, 10);
    await want(FILTERS, 30);
    await setDiscounts({ enabled: false });
    expect(await run()).toMatchObject({ created: 0 });
    await setDiscounts({ enabled: true, maxPercent: 20, excludedProductIds: [MUG] });
    expect(await run()).toMatchObject({ created: 0 });
    await replaceCollectionProducts(db(), { shopId, collectionId: "4500000001", productIds: [MUG] });
    await setDiscounts({ enabled: true, maxPercent: 20, excludedCollectionIds: ["4500000001"] });
    expect(await run()).toMatchObject({ created: 0 });
    expect(await db().discountCode.count()).toBe(0);
    await db().collectionProduct.deleteMany({});
  });

  it("settles codes: bought ones are redeemed, run-out ones expired, and forgets pools nobody wants", async () => {
    const day = 86_400_000;
    const issuedAt = new Date(Date.now() - 2 * day);
    await db().discountCode.createMany({
      data: [
        {
          shopId,
          productId: MUG,
          percent: 10,
          code: "UP-BOUGHT",
          status: "issued",
          issuedTo: "ck-ann",
          issuedAt,
          expiresAt: new Date(Date.now() + 3 * day),
        },
        {
          shopId,
          productId: MUG,
          percent: 10,
          code: "UP-RUNOUT",
          status: "issued",
          issuedTo: "ck-bob",
          issuedAt,
          expiresAt: new Date(Date.now() - 1_000),
        },
        {
          shopId,
          productId: MUG,
          percent: 10,
          code: "UP-TOOLATE",
          status: "available",
          expiresAt: new Date(Date.now() + day / 2),
        },
        {
          shopId,
          productId: MUG,
          percent: 10,
          code: "UP-FRESH",
          status: "available",
          expiresAt: new Date(Date.now() + 3 * day),
        },
      ],
    });
    await db().order.create({
      data: {
        shopId,
        source: "shopify",
        externalId: "o-ann",
        customerKey: "ck-ann",
        orderedAt: new Date(),
        lines: { create: [{ externalId: "l1", productId: MUG, quantity: 1, currentQuantity: 1 }] },
      },
    });
    await db().discountPool.create({
      data: { shopId, productId: FILTERS, percent: 5, wantedAt: new Date(Date.now() - 8 * day) },
    });

    expect(await run()).toMatchObject({ redeemed: 1, expired: 2 });
    const statuses = Object.fromEntries((await codesOf(MUG, 10)).map((code) => [code.code, code.status]));
    expect(statuses).toEqual({
      "UP-BOUGHT": "redeemed",
      "UP-RUNOUT": "expired",
      "UP-TOOLATE": "expired",
      "UP-FRESH": "available",
    });
    expect(await db().discountPool.count({ where: { productId: FILTERS } })).toBe(0);
  });

  it("the database lets a code's status only move forward, and an issued code keep its shopper", async () => {
    const issuedAt = new Date();
    const code = await db().discountCode.create({
      data: {
        shopId,
        productId: MUG,
        percent: 10,
        code: "UP-ONCE",
        status: "issued",
        issuedTo: "ck-ann",
        issuedAt,
        offerId: "o2.offer",
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const update = (data: Record<string, string | null>) =>
      db().discountCode.update({ where: { id: code.id }, data });
    await expect(update({ status: "available" })).rejects.toThrow(/cannot go from issued to available/);
    await expect(update({ issuedTo: "ck-bob" })).rejects.toThrow(/issued already/);
    await expect(update({ offerId: "o2.another" })).rejects.toThrow(/issued already/);
    // A redaction unlinks the customer; the code stays spent.
    await expect(update({ issuedTo: null })).resolves.toMatchObject({ issuedTo: null, status: "issued" });
    await expect(update({ status: "redeemed" })).resolves.toMatchObject({ status: "redeemed" });
    await expect(update({ status: "expired" })).rejects.toThrow(/cannot go from redeemed to expired/);
  });

  it("the database refuses a second live code for one shopper and product", async () => {
    const expiresAt = new Date(Date.now() + 3 * 86_400_000);
    const issued = { shopId, productId: MUG, percent: 10, status: "issued", issuedTo: "ck-ann", expiresAt };
    await db().discountCode.create({ data: { ...issued, code: "UP-FIRST" } });
    await expect(db().discountCode.create({ data: { ...issued, code: "UP-SECOND" } })).rejects.toThrow();
    await expect(
      db().discountCode.create({ data: { ...issued, code: "UP-ODD", status: "lent" } }),
    ).rejects.toThrow();
  });
});
