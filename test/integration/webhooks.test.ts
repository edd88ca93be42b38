import {
  API_KEY,
  API_SECRET_KEY,
  BASE64_HOST,
  getJwt,
  setUpValidSession,
} from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { MAX_WEBHOOK_BODY_BYTES } from "~/lib/body-limits";
import { customerKey } from "~/lib/customer-key.server";
import { loader as dataRequestLoader } from "~/routes/app.data-requests.$id";
import { action } from "~/routes/webhooks.$";
import { shopify } from "~/shopify.server";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { BROWSER_UA, TEST_SHOP, webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

let workers: RunningWorkers;
beforeAll(async () => {
  workers = await startWorkers({ queues: ["ingest"], concurrency: 2 });
});
afterAll(async () => {
  await workers.close();
});

type Order = Record<string, unknown>;

async function deliver(topic: string, payload: unknown, extra: { eventId?: string; secret?: string } = {}) {
  return callRoute(action, webhookRequest({ topic, payload, ...extra }));
}

/** Delivers and waits until the worker has applied (or rejected) the delivery. */
async function deliverAndProcess(topic: string, payload: unknown, eventId = crypto.randomUUID()) {
  const response = await deliver(topic, payload, { eventId });
  expect(response.status).toBe(200);
  return waitFor(async () => {
    const delivery = await db().webhookDelivery.findFirst({ where: { eventId } });
    return delivery && delivery.status !== "pending" ? delivery : undefined;
  });
}

function order(overrides: Partial<Order> = {}): Order {
  return { ...webhookFixture("orders-create"), ...overrides };
}

async function storedOrder(externalId = "5634019311837") {
  return db().order.findFirst({
    where: { externalId },
    include: { lines: { orderBy: { externalId: "asc" } } },
  });
}

describe("order webhooks", () => {
  it("stores a signed orders/create with its lines, keyed by a customer hash and without personal data", async () => {
    const delivery = await deliverAndProcess("orders/create", order());
    expect(delivery.status).toBe("processed");

    const stored = await storedOrder();
    expect(stored?.customerKey).toBe(customerKey(TEST_SHOP, "7012345678901"));
    expect(stored?.orderedAt?.toISOString()).toBe("2026-11-20T15:15:31.000Z");
    expect(stored?.totalPrice?.toString()).toBe("90.72");
    expect(stored?.lines.map((l) => [l.productId, l.quantity, l.unitPrice?.toString(), l.offerId])).toEqual([
      ["8123456789012", 2, "30", null],
      ["8123456789099", 1, "24", "off_3f9a2c"],
    ]);
    // What our offer discount took off the offered line, and only that: not the shopper's own code.
    expect(stored?.lines.map((l) => l.offerDiscount?.toString() ?? null)).toEqual([null, "2.4"]);

    const everything = JSON.stringify(
      await Promise.all([db().order.findMany({ include: { lines: true } }), db().webhookDelivery.findMany()]),
      (_key, value) => (typeof value === "bigint" ? value.toString() : value),
    );
    for (const personal of [
      "jon.snow",
      "Snow",
      "Wall Street",
      "5555550123",
      "203.0.113.7",
      "For Jon",
      "7012345678901",
    ]) {
      expect(everything).not.toContain(personal);
    }
  });

  it("answers 401 to a forged signature and stores nothing", async () => {
    const before = await db().webhookDelivery.count();
    const response = await deliver("orders/create", order({ id: 111 }), { secret: "not-the-app-secret" });
    expect(response.status).toBe(401);
    expect(await db().webhookDelivery.count()).toBe(before);
    expect(await storedOrder("111")).toBeNull();
  });

  it("answers 413 to a signed body over the limit, before verifying it, and stores nothing", async () => {
    const before = await db().webhookDelivery.count();
    const rawBody = JSON.stringify({ ...order(), note: "x".repeat(MAX_WEBHOOK_BODY_BYTES) });
    const response = await callRoute(
      action,
      webhookRequest({ topic: "orders/create", payload: null, rawBody }),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await db().webhookDelivery.count()).toBe(before);
  });

  it("stores an event delivered twice once", async () => {
    const eventId = crypto.randomUUID();
    const payload = order({ id: 222, line_items: order().line_items });
    await deliverAndProcess("orders/create", payload, eventId);
    const again = await deliver("orders/create", payload, { eventId });
    expect(again.status).toBe(200);
    // orders/updated with a new event id but the same content upserts too.
    await deliverAndProcess("orders/updated", payload);
    expect(await db().webhookDelivery.count({ where: { eventId } })).toBe(1);
    expect(await db().order.count({ where: { externalId: "222" } })).toBe(1);
    expect((await storedOrder("222"))?.lines).toHaveLength(2);
  });

  it("applies a newer orders/updated and ignores an older one", async () => {
    await deliverAndProcess("orders/create", order({ id: 333 }));
    const edited = order({
      id: 333,
      updated_at: "2026-11-21T10:00:00-05:00",
      financial_status: "partially_refunded",
    });
    (edited.line_items as Array<Record<string, unknown>>)[0]!.current_quantity = 1;
    await deliverAndProcess("orders/updated", edited);
    const stale = order({ id: 333, updated_at: "2026-11-20T11:00:00-05:00", financial_status: "pending" });
    await deliverAndProcess("orders/updated", stale);

    const stored = await storedOrder("333");
    expect(stored?.financialStatus).toBe("partially_refunded");
    expect(stored?.lines[0]?.refundedQuantity).toBe(1);
    expect(stored?.lines[1]?.refundedQuantity).toBe(0);
  });

  it("counts a refund once, however many times and ways it arrives", async () => {
    await deliverAndProcess("orders/create", order());
    const refund = webhookFixture("refunds-create");
    const eventId = crypto.randomUUID();
    await deliverAndProcess("refunds/create", refund, eventId);
    await deliver("refunds/create", refund, { eventId });
    await deliverAndProcess("refunds/create", refund);
    await deliverAndProcess(
      "orders/updated",
      order({ updated_at: "2026-11-21T09:00:05-05:00", refunds: [refund] }),
    );

    const stored = await storedOrder();
    expect(stored?.lines.map((l) => l.refundedQuantity)).toEqual([1, 0]);
    expect(await db().refund.count()).toBe(1);
  });

  it("cancelling an order records the cancellation", async () => {
    await deliverAndProcess("orders/create", order({ id: 444 }));
    await deliverAndProcess(
      "orders/cancelled",
      order({ id: 444, cancelled_at: "2026-11-21T08:00:00-05:00", updated_at: "2026-11-21T08:00:00-05:00" }),
    );
    expect((await storedOrder("444"))?.cancelledAt?.toISOString()).toBe("2026-11-21T13:00:00.000Z");
  });

  it("records a malformed payload as rejected with its error and changes no order", async () => {
    const before = JSON.stringify(await storedOrder(), (_k, v) => (typeof v === "bigint" ? String(v) : v));
    const broken = order({ line_items: [{ id: 1, quantity: "two" }], updated_at: "2026-12-01T00:00:00Z" });
    const delivery = await deliverAndProcess("orders/updated", broken);
    expect(delivery.status).toBe("rejected");
    expect(delivery.lastError).toMatch(/line_items\.0\.quantity/);
    expect(delivery.payload).toBeNull();
    const after = JSON.stringify(await storedOrder(), (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(after).toBe(before);
  });

  it("answers 400 to a body that is not JSON and stores nothing", async () => {
    const before = await db().webhookDelivery.count();
    const response = await callRoute(
      action,
      webhookRequest({ topic: "orders/create", payload: null, rawBody: "{not json" }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await db().webhookDelivery.count()).toBe(before);
  });
});

describe("product webhooks", () => {
  it("stores products with variants and availability, and deletes them", async () => {
    await deliverAndProcess("products/update", webhookFixture("products-update"));
    const product = await db().product.findFirst({
      where: { externalId: "8123456789099" },
      include: { variants: { orderBy: { externalId: "asc" } } },
    });
    expect(product).toMatchObject({
      title: "Paper Filters (100)",
      handle: "paper-filters-100",
      productType: "Filters",
      tags: ["coffee", "filters", "consumable"],
      status: "ACTIVE",
      available: true,
      imageUrl: "https://cdn.shopify.com/s/files/1/filters.jpg",
    });
    expect(product?.price?.toString()).toBe("24");
    expect(product?.variants.map((v) => [v.externalId, v.available])).toEqual([
      ["45012345670000", false],
      ["45012345679999", true],
    ]);

    await deliverAndProcess("products/delete", { id: 8123456789099 });
    expect(await db().product.count({ where: { externalId: "8123456789099" } })).toBe(0);
  });
});

describe("privacy webhooks", () => {
  it("customers/data_request records what we hold; customers/redact erases it and marks the customer", async () => {
    await deliverAndProcess("orders/create", order({ id: 555 }));
    const key = customerKey(TEST_SHOP, "7012345678901");
    const shopRow = await db().shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const grantedAt = new Date();
    await db().offerGrant.create({
      data: {
        shopId: shopRow.id,
        holder: key,
        productId: "8123456789099",
        percent: 10,
        quantity: 1,
        value: "1.25",
        offerId: "o3.their-offer",
        grantedAt,
        expiresAt: new Date(grantedAt.getTime() + 86_400_000 * 2),
      },
    });
    await deliverAndProcess("customers/data_request", webhookFixture("customers-data-request"));
    const request = await db().customerDataRequest.findFirst({ where: { customerKey: key } });
    const report = request?.report as {
      orders: Array<{ orderId: string; lines: unknown[] }>;
      offerDiscounts: Array<{ productId: string; percent: number }>;
    };
    expect(report.orders.map((o) => o.orderId).sort()).toContain("555");
    expect(report.offerDiscounts).toEqual([
      expect.objectContaining({ productId: "8123456789099", percent: 10, redeemedAt: null }),
    ]);
    expect(JSON.stringify(report)).not.toContain("jon.snow");

    // The merchant downloads it from the admin, signed in with a session token.
    await shopify().sessionStorage.storeSession(
      setUpValidSession({ shop: TEST_SHOP, isOnline: false, expires: undefined }),
    );
    const { token } = await getJwt("test-shop", API_KEY, API_SECRET_KEY);
    const url = `https://my-test-app.myshopify.io/app/data-requests/${request?.id}?embedded=1&shop=${TEST_SHOP}&host=${BASE64_HOST}&id_token=${token}`;
    const download = await callRoute(
      dataRequestLoader,
      new Request(url, { headers: { "User-Agent": BROWSER_UA } }),
      {
        id: request!.id,
      },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Disposition")).toContain("attachment");
    expect((await download.json()).orders.map((o: { orderId: string }) => o.orderId)).toContain("555");

    await deliverAndProcess("customers/redact", webhookFixture("customers-redact"));
    expect(await db().order.count({ where: { customerKey: key } })).toBe(0);
    expect(await db().customerDataRequest.count({ where: { customerKey: key } })).toBe(0);
    expect(await db().customerRedaction.count({ where: { customerKey: key } })).toBe(1);
    // The grant stays, counted against the budget, but neither it nor its offer id names them.
    const [grant] = await db().offerGrant.findMany({ where: { shopId: shopRow.id } });
    expect(grant).toMatchObject({
      holder: "redacted",
      offerId: expect.stringMatching(/^redacted:[0-9a-f]{64}$/),
    });
    expect(grant!.value.toString()).toBe("1.25");

    // A late update of one of their orders stores the order without linking it to them again.
    await deliverAndProcess("orders/updated", order({ id: 556, updated_at: "2026-11-22T00:00:00Z" }));
    expect((await storedOrder("556"))?.customerKey).toBeNull();
  });

  it("customers/redact strips every delivery that named the customer or their orders, and keeps the event ids", async () => {
    const key = customerKey(TEST_SHOP, "7012345678901");
    await deliverAndProcess("orders/create", order({ id: 777 }));
    await deliverAndProcess("refunds/create", {
      ...webhookFixture<Record<string, unknown>>("refunds-create"),
      order_id: 777,
    });
    // A guest order the redaction names by id.
    await deliverAndProcess("orders/create", order({ customer: null }));
    await deliverAndProcess("refunds/create", webhookFixture("refunds-create"));
    const other = await deliverAndProcess("orders/create", order({ id: 888, customer: { id: 42 } }));
    await deliverAndProcess("customers/data_request", webhookFixture("customers-data-request"));
    const before = await db().webhookDelivery.count({ where: { shopDomain: TEST_SHOP } });

    await deliverAndProcess("customers/redact", webhookFixture("customers-redact"));
    const deliveries = await db().webhookDelivery.findMany({ where: { shopDomain: TEST_SHOP } });
    const held = deliveries
      .map((delivery) => JSON.stringify(delivery.payload))
      .filter((text) => text.includes(key) || text.includes('"777"') || text.includes('"5634019311837"'));
    expect(held).toEqual([]);
    // The rows stay, so a redelivered event is still recognised, and another customer's order is untouched.
    expect(deliveries).toHaveLength(before + 1);
    expect(deliveries.find((delivery) => delivery.id === other.id)?.payload).toMatchObject({
      order: { externalId: "888" },
    });
  });

  it("app/uninstalled marks the shop and drops its sessions; shop/redact erases all of its data", async () => {
    await deliverAndProcess("orders/create", order({ id: 666 }));
    await deliverAndProcess("products/update", webhookFixture("products-update"));
    await db().session.create({ data: { id: "offline_test", shop: TEST_SHOP, state: "", accessToken: "x" } });
    const shopRow = await db().shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const running = await db().importRun.create({
      data: { shopId: shopRow.id, kind: "bulk", status: "running" },
    });

    await deliverAndProcess("app/uninstalled", { id: 954889, domain: TEST_SHOP });
    const shop = await db().shop.findUnique({ where: { domain: TEST_SHOP } });
    expect(shop?.uninstalledAt).not.toBeNull();
    expect(await db().session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect((await db().importRun.findUniqueOrThrow({ where: { id: running.id } })).status).toBe("cancelled");

    // Shopify sends shop/redact 48 hours after the uninstall.
    await db().shop.update({
      where: { domain: TEST_SHOP },
      data: { uninstalledAt: new Date(Date.now() - 48 * 3_600_000) },
    });
    const redact = await deliverAndProcess("shop/redact", webhookFixture("shop-redact"));
    expect(redact.status).toBe("processed");
    expect(await db().shop.count({ where: { domain: TEST_SHOP } })).toBe(0);
    expect(await db().order.count()).toBe(0);
    expect(await db().orderLine.count()).toBe(0);
    expect(await db().product.count()).toBe(0);
    expect(await db().webhookDelivery.count({ where: { shopDomain: TEST_SHOP } })).toBe(1);
  });
});
