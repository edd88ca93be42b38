import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
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
});
