import { Queue, UnrecoverableError, Worker } from "bullmq";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { startWorkers } from "~/jobs/worker.server";
import { pruneDeliveries } from "~/services/prune-deliveries.server";
import { sweepDeliveries } from "~/services/sweep-deliveries.server";
import { isolateIntegration } from "../helpers/integration";

const context = isolateIntegration();

describe("the delivery sweeper", () => {
  it("enqueues every old pending delivery once, across pages, and leaves recent and finished ones alone", async () => {
    const old = new Date(Date.now() - 60_000);
    const rows = Array.from({ length: 7 }, (_, i) => ({
      shopDomain: "sweep.myshopify.com",
      topic: "PRODUCTS_DELETE",
      eventId: `e${i}`,
      // Several share a timestamp, which a time window alone would skip.
      receivedAt: i < 5 ? old : new Date(),
      status: i === 0 ? "processed" : "pending",
      payload: { kind: "product-delete", productId: String(i) },
    }));
    await db().webhookDelivery.createMany({ data: rows });

    expect(await sweepDeliveries(db(), { graceMs: 30_000, batchSize: 2 })).toBe(4);
    // A second sweep finds the same deliveries still pending; their job ids keep them single.
    expect(await sweepDeliveries(db(), { graceMs: 30_000, batchSize: 2 })).toBe(4);

    const ingest = new Queue("ingest", {
      connection: { url: context.redisUrl },
      prefix: context.queuePrefix,
    });
    const waiting = await ingest.getJobs(["waiting"]);
    await ingest.close();
    const pendingOld = await db().webhookDelivery.findMany({
      where: { status: "pending", receivedAt: old },
      select: { id: true },
    });
    expect(waiting.map((job) => job.id).sort()).toEqual(pendingOld.map((d) => d.id).sort());
  });

  it("retries a pending delivery whose job already failed for good", async () => {
    const delivery = await db().webhookDelivery.create({
      data: {
        shopDomain: "sweep.myshopify.com",
        topic: "PRODUCTS_DELETE",
        eventId: "stuck",
        receivedAt: new Date(Date.now() - 120_000),
        payload: { kind: "product-delete", productId: "1" },
      },
    });
    const connection = { url: context.redisUrl };
    const ingest = new Queue("ingest", { connection, prefix: context.queuePrefix });
    await ingest.drain();
    await ingest.add("process-webhook", { deliveryId: delivery.id }, { jobId: delivery.id });
    const failing = new Worker(
      "ingest",
      async () => {
        throw new UnrecoverableError("database unavailable");
      },
      { connection, prefix: context.queuePrefix },
    );
    await new Promise((resolve) => failing.once("failed", resolve));
    await failing.close();
    expect(await (await ingest.getJob(delivery.id))?.getState()).toBe("failed");

    await sweepDeliveries(db(), { graceMs: 30_000 });
    expect(await (await ingest.getJob(delivery.id))?.getState()).toBe("waiting");
    await ingest.close();
  });
});

describe("delivery retention", () => {
  it("strips old processed payloads, deletes rows past the log's period, and leaves pending ones alone", async () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const ago = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const payload = { kind: "order", order: { externalId: "1", customerKey: "someone", lines: [] } };
    const row = (eventId: string, status: string, hours: number) => ({
      shopDomain: "retention.myshopify.com",
      topic: "ORDERS_CREATE",
      eventId,
      status,
      receivedAt: ago(hours),
      payload: status === "rejected" ? undefined : payload,
    });
    await db().webhookDelivery.createMany({
      data: [
        row("fresh", "processed", 1),
        row("day-old", "processed", 30),
        row("month-old", "processed", 24 * 30),
        row("rejected-month-old", "rejected", 24 * 30),
        row("failed-month-old", "failed", 24 * 30),
        row("pending-month-old", "pending", 24 * 30),
      ],
    });

    const pruned = await pruneDeliveries(db(), {
      now,
      payloadRetentionMs: 24 * 3_600_000,
      logRetentionMs: 14 * 24 * 3_600_000,
      batchSize: 2,
    });
    expect(pruned).toEqual({ stripped: 1, deleted: 3 });
    const left = await db().webhookDelivery.findMany({
      where: { shopDomain: "retention.myshopify.com" },
      orderBy: { eventId: "asc" },
      select: { eventId: true, status: true, payload: true },
    });
    expect(left).toEqual([
      { eventId: "day-old", status: "processed", payload: null },
      { eventId: "fresh", status: "processed", payload },
      { eventId: "pending-month-old", status: "pending", payload },
    ]);
  });

  it("the ingest worker runs the retention every hour", async () => {
    const workers = await startWorkers({ queues: ["ingest"] });
    try {
      const scheduler = await queue("ingest").getJobScheduler("hourly-delivery-prune");
      expect(scheduler).toMatchObject({ pattern: "41 * * * *", tz: "UTC", name: "prune-deliveries" });
    } finally {
      await workers.close();
    }
  });
});
