import pino from "pino";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import type { HoldoutMetrics } from "~/lib/model-promotion";
import { upsertOrderBatch } from "~/models/orders.server";
import { upsertProductBatch } from "~/models/products.server";
import { ensureShop } from "~/models/shops.server";
import { loadTrainingRows } from "~/models/training-data.server";
import { markRedactionsApplied, pendingRedactions } from "~/models/training-runs.server";
import { listModelVersions, registerModel, restoreVersion } from "~/services/model-registry.server";
import { trainShopModel } from "~/services/train-shop-model.server";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";

isolateIntegration();

const SHOP = "rows-shop.myshopify.com";
const silent = pino({ level: "silent" });

async function seedOrders() {
  const shop = await ensureShop(db(), SHOP);
  await upsertProductBatch(db(), {
    shopId: shop.id,
    replaceVariants: false,
    products: [
      {
        externalId: "P1",
        title: "Catalog mug",
        handle: null,
        productType: "Mugs",
        vendor: "Acme",
        tags: ["ceramic"],
        price: "9.00",
        imageUrl: null,
        status: "ACTIVE",
        available: true,
        updatedAt: null,
        variants: [],
      },
    ],
  });
  const orders = [
    buildOrder({
      externalId: "O1",
      customerKey: "k1",
      orderedAt: "2026-10-01T10:00:00Z",
      lines: [
        { productId: "P1", quantity: 2, currentQuantity: 2 },
        { productId: "P2", quantity: 1, currentQuantity: 0 },
        { productId: "P3", quantity: 3, currentQuantity: 1, category: "Tea" },
      ],
    }),
    buildOrder({ externalId: "O2", test: true, lines: [{ productId: "P4" }] }),
    buildOrder({ externalId: "O3", cancelledAt: "2026-10-02T00:00:00Z", lines: [{ productId: "P5" }] }),
    buildOrder({
      externalId: "O4",
      orderedAt: "2026-10-03T10:00:00Z",
      lines: [{ productId: null }, { productId: "P6" }],
    }),
    buildOrder({ externalId: "O5", orderedAt: null, lines: [{ productId: "P7" }] }),
    buildOrder({
      externalId: "O6",
      orderedAt: "2026-10-04T10:00:00Z",
      lines: [{ productId: "P8" }],
      refunds: [
        {
          externalId: "R6",
          orderExternalId: "O6",
          createdAt: null,
          lines: [{ lineItemId: "O6-1", quantity: 1 }],
        },
      ],
    }),
  ];
  await upsertOrderBatch(db(), { shopId: shop.id, source: "shopify", orders });
  return shop;
}

function metrics(ndcg: number): HoldoutMetrics {
  return { queries: 200, ndcg, ndcgStdErr: 0.01, hitRate: 0.4, recall: 0.3 };
}

function model(ndcg: number) {
  return {
    metrics: metrics(ndcg),
    params: { note: "opaque bytes: the registry never looks inside" },
    window: { from: null, to: null, orders: 100, products: 10, customers: 20 },
    trainSeconds: 0.1,
    bytes: new Uint8Array([1, 2, 3, Math.round(ndcg * 100)]),
  };
}

describe("training rows from Postgres", () => {
  it("keep only what customers kept: no test, cancelled or undated orders, no refunded or custom lines", async () => {
    const shop = await seedOrders();
    const upTo = new Date("2026-11-01T00:00:00Z");
    const data = await loadTrainingRows(db(), { shopId: shop.id, upTo });
    const ids = await db().order.findMany({
      where: { shopId: shop.id },
      select: { id: true, externalId: true },
    });
    const idOf = Object.fromEntries(ids.map((o) => [o.externalId, o.id.toString()]));
    expect(data.rows).toEqual([
      {
        orderId: idOf.O1,
        customerId: "k1",
        productId: "P1",
        orderedAt: "2026-10-01T10:00:00.000Z",
        productTitle: "Catalog mug",
        productCategory: "Mugs",
      },
      {
        orderId: idOf.O1,
        customerId: "k1",
        productId: "P3",
        orderedAt: "2026-10-01T10:00:00.000Z",
        productTitle: "Line title P3",
        productCategory: "Tea",
      },
      {
        orderId: idOf.O4,
        customerId: "",
        productId: "P6",
        orderedAt: "2026-10-03T10:00:00.000Z",
        productTitle: "Line title P6",
        productCategory: "",
      },
    ]);
    expect(data).toMatchObject({
      orders: 2,
      dataFrom: new Date("2026-10-01T10:00:00Z"),
      dataTo: new Date("2026-10-03T10:00:00Z"),
    });

    // Page by page (one order a page, including orders that give no rows) reads the same rows.
    expect(await loadTrainingRows(db(), { shopId: shop.id, upTo, pageSize: 1 })).toEqual(data);
    // Orders after the cut-off wait for the next training.
    const before = await loadTrainingRows(db(), { shopId: shop.id, upTo: new Date("2026-10-02T00:00:00Z") });
    expect(before.rows.map((row) => row.productId)).toEqual(["P1", "P3"]);
  });

  it("records a shop with too little data as skipped, with the reason, instead of failing", async () => {
    const outcome = await trainShopModel(db(), { shopDomain: SHOP, reason: "manual", log: silent, keep: 10 });
    expect(outcome).toEqual({
      status: "skipped",
      version: null,
      note: "Too little data: 2 orders, at least 20 are needed.",
    });
    const run = await db().trainingRun.findFirstOrThrow({ where: { shop: { domain: SHOP } } });
    expect(run).toMatchObject({
      reason: "manual",
      status: "skipped",
      orderCount: 2,
      dataTo: new Date("2026-10-03T10:00:00Z"),
      finishedAt: expect.any(Date),
    });
    expect(await db().modelVersion.count()).toBe(0);
  });
});

describe("model registry", () => {
  it("keeps one live version, prunes old artifacts but never the live one's, and restores what is kept", async () => {
    const shop = await ensureShop(db(), "registry-shop.myshopify.com");
    const register = (ndcg: number) => registerModel(db(), { shopId: shop.id, model: model(ndcg), keep: 3 });
    expect(await register(0.1)).toMatchObject({ version: 1, status: "live" });
    expect(await register(0.3)).toMatchObject({ version: 2, status: "live" });
    const worse = await register(0.2);
    expect(worse).toMatchObject({ version: 3, status: "rejected" });
    expect(worse.note).toMatch(/^Rejected, worse than the live model beyond noise: NDCG 0\.2000/);
    expect(await register(0.29)).toMatchObject({ version: 4, status: "live" });

    const listed = await listModelVersions(db(), shop.domain);
    expect(listed.map((v) => [v.version, v.status, v.sizeBytes])).toEqual([
      [4, "live", 4],
      [3, "rejected", 4],
      [2, "retired", 4],
      [1, "retired", null],
    ]);
    expect(listed[0]?.artifactLocation).toBe(`postgres:model_artifact/${listed[0]?.id}`);
    expect(listed[3]?.artifactLocation).toBeNull();

    await expect(restoreVersion(db(), { shopDomain: shop.domain, version: 1 })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(restoreVersion(db(), { shopDomain: shop.domain, version: 9 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    // A rejected version can be made live by hand; the live one is retired in the same transaction.
    expect(await restoreVersion(db(), { shopDomain: shop.domain, version: 3 })).toMatchObject({
      changed: true,
    });
    const statuses = async () =>
      (await listModelVersions(db(), shop.domain)).map((v) => [v.version, v.status, v.sizeBytes]);
    expect(await statuses()).toEqual([
      [4, "retired", 4],
      [3, "live", 4],
      [2, "retired", 4],
      [1, "retired", null],
    ]);
    // Three newer versions push version 3 out of the kept ones, but it is live, so its bytes stay.
    await register(0.1);
    await register(0.1);
    await register(0.1);
    expect((await statuses()).filter(([, , size]) => size !== null)).toEqual([
      [7, "rejected", 4],
      [6, "rejected", 4],
      [5, "rejected", 4],
      [3, "live", 4],
    ]);

    // Restored again and again, a version's note still gives its training's decision once.
    await restoreVersion(db(), { shopDomain: shop.domain, version: 5 });
    await restoreVersion(db(), { shopDomain: shop.domain, version: 3 });
    const restored = (await listModelVersions(db(), shop.domain)).find((v) => v.version === 3);
    expect(restored?.decisionNote).toMatch(
      /^Restored by hand \(was retired\)\. Earlier: Rejected, worse than the live model beyond noise/,
    );
    expect(restored?.decisionNote?.match(/Restored by hand/g)).toHaveLength(1);

    // The database itself refuses a second live version.
    await expect(
      db().modelVersion.updateMany({ where: { shopId: shop.id, version: 4 }, data: { status: "live" } }),
    ).rejects.toThrow();
  });
});

describe("redaction marks", () => {
  it("marks the redactions read before training as applied, unless the customer was redacted again", async () => {
    const shop = await ensureShop(db(), "redacted-shop.myshopify.com");
    await db().customerRedaction.createMany({
      data: [
        { shopId: shop.id, customerKey: "a" },
        { shopId: shop.id, customerKey: "b" },
      ],
    });
    const pending = await pendingRedactions(db(), shop.id);
    expect(pending).toHaveLength(2);
    await db().customerRedaction.update({
      where: { shopId_customerKey: { shopId: shop.id, customerKey: "b" } },
      data: { redactedAt: new Date(Date.now() + 1_000) },
    });
    expect(await markRedactionsApplied(db(), { redactions: pending, version: 1 })).toBe(1);
    const marks = await db().customerRedaction.findMany({
      where: { shopId: shop.id },
      orderBy: { customerKey: "asc" },
    });
    expect(marks.map((m) => [m.customerKey, m.appliedToModelsAt !== null, m.appliedInVersion])).toEqual([
      ["a", true, 1],
      ["b", false, null],
    ]);
  });
});
