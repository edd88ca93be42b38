import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { action } from "~/routes/webhooks.$";
import { eraseCustomerByOrder } from "~/services/erase-customer.server";
import { trainingJobId } from "~/services/request-training.server";
import { startHistoryImport } from "~/services/start-history-import.server";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { freePort, PrivateRedis } from "../helpers/redis-server";
import { callRoute } from "../helpers/routes";
import { TEST_SHOP, webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

const redis = new PrivateRedis(await freePort());
const context = isolateIntegration({ redisUrl: redis.url });
process.env.SWEEP_GRACE_MS = "0";
process.env.ENQUEUE_TIMEOUT_MS = "200";

beforeAll(() => redis.start());
afterAll(() => redis.stop());

function orderPayload(id: number) {
  return { ...webhookFixture("orders-create"), id };
}

describe("webhooks while Redis is down", () => {
  let workers: RunningWorkers | undefined;
  afterAll(async () => {
    await workers?.close();
  });

  it("acknowledges deliveries during the outage and processes them once Redis is back", async () => {
    const first = await callRoute(
      action,
      webhookRequest({ topic: "orders/create", payload: orderPayload(1) }),
    );
    expect(first.status).toBe(200);

    await redis.stop();
    const during = [];
    for (let id = 2; id <= 6; id++) {
      during.push(
        await callRoute(action, webhookRequest({ topic: "orders/create", payload: orderPayload(id) })),
      );
    }
    expect(during.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    // An install meanwhile: its history import is recorded without waiting for Redis.
    const run = await startHistoryImport(db(), { shopDomain: "installing.myshopify.com", onlyIfFresh: true });
    expect(run?.status).toBe("queued");
    expect(await db().webhookDelivery.count({ where: { status: "pending" } })).toBe(6);

    // Redis comes back empty (it keeps nothing on disk): even the job queued before the outage is gone.
    await redis.start();
    workers = await startWorkers({ queues: ["ingest"] });
    await waitFor(async () => (await db().webhookDelivery.count({ where: { status: "processed" } })) === 6);
    expect(await db().order.count()).toBe(6);
    expect(await db().orderLine.count()).toBe(12);
    // The sweep that applied the deliveries queued the stranded import too.
    const backfill = new Queue("backfill", { connection: { url: redis.url }, prefix: context.queuePrefix });
    await waitFor(async () => (await backfill.getJob(`bulk-${run!.id}`)) !== undefined);
    await backfill.close();
  });

  it("erases a customer during an outage without waiting for Redis, and their training is queued once it is back", async () => {
    await workers?.close();
    await redis.stop();
    const started = Date.now();
    const erased = await eraseCustomerByOrder(db(), { shopDomain: TEST_SHOP, orderNumber: "1" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(erased).toMatchObject({ customerKnown: true, deletedOrders: 6 });
    expect(await db().order.count()).toBe(0);

    await redis.start();
    workers = await startWorkers({ queues: ["ingest"] });
    const train = new Queue("train", { connection: { url: redis.url }, prefix: context.queuePrefix });
    const job = await waitFor(async () => train.getJob(trainingJobId(TEST_SHOP)));
    expect(job.data).toEqual({ shopDomain: TEST_SHOP, reason: "redaction" });
    await train.close();
  });
});
