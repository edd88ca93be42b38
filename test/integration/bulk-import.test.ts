import { setUpValidSession } from "@shopify/shopify-api/test-helpers";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { customerKey } from "~/lib/customer-key.server";
import { upsertProductBatch } from "~/models/products.server";
import { runBulkImport } from "~/services/run-bulk-import.server";
import { startHistoryImport } from "~/services/start-history-import.server";
import { API_VERSION, shopify } from "~/shopify.server";
import { buildProduct } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();
process.env.BULK_POLL_INTERVAL_MS = "20";

// The Shopify client keeps the fetch it finds when imported, so the fake must be listening first.
const admin = await vi.hoisted(async () => {
  const { fakeAdminApi } = await import("../fixtures/admin-api");
  const { ORDERS_JSONL, PRODUCTS_JSONL } = await import("../fixtures/bulk");
  const api = fakeAdminApi({
    shop: "test-shop.myshopify.com",
    apiVersion: "2026-10",
    files: { products: PRODUCTS_JSONL, orders: ORDERS_JSONL },
    runningPolls: 2,
  });
  api.server.listen({ onUnhandledRequest: "error" });
  return api;
});

let workers: RunningWorkers;
beforeAll(async () => {
  expect(API_VERSION).toBe("2026-10");
  const session = setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined });
  await shopify().sessionStorage.storeSession(session);
  workers = await startWorkers({ queues: ["backfill"] });
});
afterAll(async () => {
  await workers.close();
  admin.server.close();
});

describe("history import through Admin API bulk operations", () => {
  it("imports products and orders as a job, rebuilding children from __parentId", async () => {
    const run = await startHistoryImport(db(), { shopDomain: TEST_SHOP, onlyIfFresh: false });
    const finished = await waitFor(async () => {
      const current = await db().importRun.findUnique({ where: { id: run!.id } });
      return current?.status === "completed" || current?.status === "failed" ? current : undefined;
    });
    expect(finished.status).toBe("completed");
    expect(finished.rejected).toBe(1);
    expect(admin.calls.started).toEqual(["products", "orders"]);

    const products = await db().product.findMany({
      orderBy: { externalId: "asc" },
      include: { variants: true },
    });
    expect(products.map((p) => [p.externalId, p.status, p.variants.length, p.price?.toString()])).toEqual([
      ["50", "ACTIVE", 2, "14"],
      ["60", "DRAFT", 1, "6"],
    ]);

    const orders = await db().order.findMany({
      orderBy: { externalId: "asc" },
      include: { lines: { orderBy: { externalId: "asc" } } },
    });
    expect(orders.map((o) => [o.externalId, o.lines.length])).toEqual([
      ["900", 2],
      ["901", 1],
    ]);
    const [first] = orders;
    expect(first?.customerKey).toBe(customerKey(TEST_SHOP, "77"));
    expect(first?.lines.map((l) => [l.externalId, l.refundedQuantity, l.offerId])).toEqual([
      ["9001", 0, "off_1"],
      ["9002", 1, null],
    ]);
    expect(JSON.stringify(orders, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain("Ann");
  });

  it("resumes a failed import with the operation it already started, storing nothing twice", async () => {
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const run = await db().importRun.create({ data: { shopId: shop.id, kind: "bulk" } });
    const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
    const options = {
      shopDomain: TEST_SHOP,
      importRunId: run.id,
      graphql: client.graphql,
      log: pino({ level: "silent" }),
      pollIntervalMs: 10,
    };
    const startedBefore = admin.calls.started.length;
    admin.failNextDownload();
    await expect(runBulkImport(db(), options)).rejects.toThrow(/503/);
    const interrupted = await db().importRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(interrupted.stage).toBe("products");
    expect(interrupted.bulkOperationId).not.toBeNull();

    await expect(runBulkImport(db(), options)).resolves.toBe("completed");

    // One products operation and one orders operation: the retry polled the first one again.
    expect(admin.calls.started.slice(startedBefore)).toEqual(["products", "orders"]);
    expect(await db().order.count()).toBe(2);
    expect(await db().orderLine.count()).toBe(3);
    expect(await db().variant.count()).toBe(3);
    // On the job's last attempt a failure is final: the run says so instead of staying "running".
    const last = await db().importRun.create({ data: { shopId: shop.id, kind: "bulk" } });
    admin.failNextDownload();
    await expect(
      runBulkImport(db(), { ...options, importRunId: last.id, finalAttempt: true }),
    ).rejects.toThrow();
    expect(await db().importRun.findUniqueOrThrow({ where: { id: last.id } })).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/503/),
    });
  });

  it("stores a large file's first batches while it is still downloading", async () => {
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const run = await db().importRun.create({ data: { shopId: shop.id, kind: "bulk", stage: "orders" } });
    const orders = 3_000;
    const stored = () => db().importRun.findUniqueOrThrow({ where: { id: run.id } });
    let sent = 0;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent < orders) {
          sent += 1;
          controller.enqueue(
            encoder.encode(
              `{"id":"gid://shopify/Order/${50_000 + sent}","createdAt":"2026-03-01T00:00:00Z"}\n`,
            ),
          );
          return;
        }
        // The rest of the file is still on its way: the import must have stored something already.
        const early = await waitFor(async () => (await stored()).processed > 0, 5_000).then(
          () => true,
          () => false,
        );
        if (early) controller.close();
        else controller.error(new Error("nothing was stored while the file downloaded"));
      },
    });
    const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
    await expect(
      runBulkImport(db(), {
        shopDomain: TEST_SHOP,
        importRunId: run.id,
        graphql: client.graphql,
        log: pino({ level: "silent" }),
        pollIntervalMs: 10,
        download: async () => new Response(body),
      }),
    ).resolves.toBe("completed");
    expect(await stored()).toMatchObject({ status: "completed", processed: orders });
  });

  it("stops polling as soon as the worker closes, and the next worker resumes the same operation", async () => {
    admin.holdOperations(true);
    try {
      const run = await startHistoryImport(db(), { shopDomain: TEST_SHOP, onlyIfFresh: false });
      const polledBefore = admin.calls.polled;
      await waitFor(async () => admin.calls.polled > polledBefore + 2);
      const startedBefore = admin.calls.started.length;
      const closed = await Promise.race([
        workers.close().then(() => "closed"),
        new Promise((resolve) => setTimeout(() => resolve("still polling"), 3_000)),
      ]);
      expect(closed).toBe("closed");
      expect((await db().importRun.findUniqueOrThrow({ where: { id: run!.id } })).status).toBe("queued");

      admin.holdOperations(false);
      workers = await startWorkers({ queues: ["backfill"] });
      const finished = await waitFor(async () => {
        const current = await db().importRun.findUniqueOrThrow({ where: { id: run!.id } });
        return current.status === "completed" || current.status === "failed" ? current : undefined;
      });
      expect(finished.status).toBe("completed");
      // The products operation started before the close was polled again, not started anew.
      expect(admin.calls.started.slice(startedBefore)).toEqual(["orders"]);
    } finally {
      admin.holdOperations(false);
    }
  });

  it("counts a stage once when its file is read again after breaking off midway", async () => {
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const run = await db().importRun.create({ data: { shopId: shop.id, kind: "bulk", stage: "orders" } });
    const lines = Array.from(
      { length: 3_000 },
      (_, i) => `{"id":"gid://shopify/Order/${70_000 + i}","createdAt":"2026-04-01T00:00:00Z"}\n`,
    );
    let downloads = 0;
    const download = async () => {
      downloads += 1;
      const broken = downloads === 1;
      let next = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (next < lines.length) controller.enqueue(new TextEncoder().encode(lines[next++]));
            else if (broken) controller.error(new Error("connection reset"));
            else controller.close();
          },
        }),
      );
    };
    const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
    const options = {
      shopDomain: TEST_SHOP,
      importRunId: run.id,
      graphql: client.graphql,
      log: pino({ level: "silent" }),
      pollIntervalMs: 10,
      download,
    };
    await expect(runBulkImport(db(), options)).rejects.toThrow(/connection reset/);
    const broken = await db().importRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(broken.processed).toBeGreaterThan(0);
    expect(broken.processed).toBeLessThan(lines.length);

    await expect(runBulkImport(db(), options)).resolves.toBe("completed");
    expect(await db().importRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "completed",
      processed: lines.length,
    });
  });
  it("keeps a product's variants when they come more than the window of parents after it", async () => {
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    await upsertProductBatch(db(), {
      shopId: shop.id,
      products: [buildProduct({ externalId: "80000", variants: [{ price: "9.00" }, { price: "12.00" }] })],
      replaceVariants: true,
    });
    const run = await db().importRun.create({ data: { shopId: shop.id, kind: "bulk", stage: "products" } });
    const product = (id: number) =>
      `{"id":"gid://shopify/Product/${id}","title":"Product ${id}","status":"ACTIVE","updatedAt":"2026-11-01T00:00:00Z"}\n`;
    const variant = (id: number, parent: number, price: string) =>
      `{"id":"gid://shopify/ProductVariant/${id}","title":"V","price":"${price}","availableForSale":true,"__parentId":"gid://shopify/Product/${parent}"}\n`;
    // Product 80000 first, then more than 2,000 other products, and only then its variants.
    const lines = [
      product(80_000),
      ...Array.from({ length: 2_100 }, (_, i) => [
        product(81_000 + i),
        variant(91_000 + i, 81_000 + i, "5.00"),
      ]).flat(),
      variant(800_001, 80_000, "9.50"),
      variant(800_002, 80_000, "12.00"),
    ];
    let downloads = 0;
    const download = async () => {
      downloads += 1;
      return new Response(downloads === 1 ? lines.join("") : "");
    };
    const { admin: client } = await shopify().unauthenticated.admin(TEST_SHOP);
    await expect(
      runBulkImport(db(), {
        shopDomain: TEST_SHOP,
        importRunId: run.id,
        graphql: client.graphql,
        log: pino({ level: "silent" }),
        pollIntervalMs: 10,
        download,
      }),
    ).resolves.toBe("completed");

    const stored = await db().product.findFirstOrThrow({
      where: { shopId: shop.id, externalId: "80000" },
      include: { variants: { orderBy: { externalId: "asc" } } },
    });
    expect(stored.variants.map((v) => [v.externalId, v.price?.toString()])).toEqual([
      ["800001", "9.5"],
      ["800002", "12"],
    ]);
    expect(stored.available).toBe(true);
    expect(stored.price?.toString()).toBe("9.5");
    expect((await db().importRun.findUniqueOrThrow({ where: { id: run.id } })).rejected).toBe(0);
  });
});
