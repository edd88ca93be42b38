import { UnrecoverableError, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { queue } from "~/jobs/queues.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { ensureShop } from "~/models/shops.server";
import { createRedis } from "~/redis.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { redactCustomer } from "~/services/privacy.server";
import { processDelivery } from "~/services/process-webhook.server";
import { recordWebhook } from "~/services/record-webhook.server";
import {
  requestErasureTraining,
  requestNightlyTraining,
  requestTraining,
  trainingJobId,
} from "~/services/request-training.server";
import { csvTextOf } from "~ml";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();
process.env.TRAIN_NIGHTLY_CRON = "30 2 * * *";
process.env.SWEEP_GRACE_MS = "0";

let workers: RunningWorkers | undefined;
afterAll(async () => {
  await workers?.close();
});

async function trainJob(shopDomain: string) {
  return queue("train").getJob(trainingJobId(shopDomain));
}

/** Records and applies an orders/create delivery as the ingest worker would. */
async function newOrder(id: number) {
  const eventId = crypto.randomUUID();
  await recordWebhook(db(), {
    shop: TEST_SHOP,
    topic: "orders/create",
    payload: {
      ...webhookFixture<Record<string, unknown>>("orders-create"),
      id,
      created_at: `2026-11-2${id % 10}T10:00:00Z`,
    },
    webhookId: eventId,
    eventId,
    apiVersion: "2026-10",
    triggeredAt: null,
  });
  const delivery = await db().webhookDelivery.findFirstOrThrow({ where: { eventId } });
  expect(await processDelivery(db(), { deliveryId: delivery.id, finalAttempt: false })).toBe("processed");
}

async function* csv(rows: string[]) {
  yield "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";
  yield* rows;
}

describe("retrain triggers", () => {
  it("queues a training once the orders since the last one reach the shop's retrainAfterOrders", async () => {
    const shop = await ensureShop(db(), TEST_SHOP);
    await db().shop.update({ where: { id: shop.id }, data: { settings: { retrainAfterOrders: 10 } } });
    for (let id = 1; id <= 9; id++) await newOrder(id);
    expect(await trainJob(TEST_SHOP)).toBeUndefined();
    await newOrder(10);
    const job = await trainJob(TEST_SHOP);
    expect(job?.data).toEqual({ shopDomain: TEST_SHOP, reason: "orders" });
    expect(await job?.getState()).toBe("waiting");

    // Another order while it waits changes nothing: triggers collapse into the waiting job.
    await newOrder(11);
    expect(await queue("train").getWaitingCount()).toBe(1);

    // After a training that read those orders, the count starts again from its data.
    await job?.remove();
    const latest = await db().order.aggregate({ where: { shopId: shop.id }, _max: { orderedAt: true } });
    await db().trainingRun.create({
      data: { shopId: shop.id, reason: "orders", status: "stored", dataTo: latest._max.orderedAt },
    });
    await newOrder(12);
    expect(await trainJob(TEST_SHOP)).toBeUndefined();
  });

  it("queues a training when a history import completes", async () => {
    const shopDomain = "imported-shop.myshopify.com";
    await importOrderCsv(db(), {
      shopDomain,
      csv: csvTextOf(
        csv(["1,C1,PA,1,2.00,2026-03-01T10:00:00Z,A,", "2,C2,PB,1,2.00,2026-03-02T10:00:00Z,B,"]),
      ),
    });
    expect((await trainJob(shopDomain))?.data).toEqual({ shopDomain, reason: "import" });
  });

  it("nightly, queues installed shops whose data changed since their last training, and only those", async () => {
    await queue("train").obliterate({ force: true });
    const quiet = await ensureShop(db(), "quiet-shop.myshopify.com");
    await importOrderCsv(db(), {
      shopDomain: quiet.domain,
      csv: csvTextOf(csv(["1,C1,PA,1,2.00,2026-03-01T10:00:00Z,A,"])),
    });
    await db().trainingRun.create({ data: { shopId: quiet.id, reason: "import", status: "skipped" } });
    const gone = await ensureShop(db(), "gone-shop.myshopify.com");
    await importOrderCsv(db(), {
      shopDomain: gone.domain,
      csv: csvTextOf(csv(["1,C1,PA,1,2.00,2026-03-01T10:00:00Z,A,"])),
    });
    await db().shop.update({ where: { id: gone.id }, data: { uninstalledAt: new Date() } });
    await queue("train").obliterate({ force: true });

    expect(await requestNightlyTraining(db())).toBe(2);
    const queued = (await queue("train").getWaiting()).map((job) => job.data);
    expect(queued).toEqual(
      expect.arrayContaining([
        { shopDomain: "imported-shop.myshopify.com", reason: "nightly" },
        { shopDomain: TEST_SHOP, reason: "nightly" },
      ]),
    );
    expect(queued).toHaveLength(2);

    // A customer erased from the quiet shop makes its models stale too.
    await db().$transaction((tx) =>
      redactCustomer(tx, { shopId: quiet.id, customerKey: "someone", orderIds: [] }),
    );
    await requestNightlyTraining(db());
    expect((await trainJob(quiet.domain))?.data).toEqual({ shopDomain: quiet.domain, reason: "nightly" });
  });

  it("a customers/redact queues the shop's training at once, and a request lost on the way is made again", async () => {
    await queue("train").obliterate({ force: true });
    const eventId = crypto.randomUUID();
    await recordWebhook(db(), {
      shop: TEST_SHOP,
      topic: "customers/redact",
      payload: webhookFixture("customers-redact"),
      webhookId: eventId,
      eventId,
      apiVersion: "2026-10",
      triggeredAt: null,
    });
    const delivery = await db().webhookDelivery.findFirstOrThrow({ where: { eventId } });
    expect(await processDelivery(db(), { deliveryId: delivery.id, finalAttempt: false })).toBe("processed");
    expect((await trainJob(TEST_SHOP))?.data).toEqual({ shopDomain: TEST_SHOP, reason: "redaction" });

    // Redis lost the job before a worker took it: the sweep (here the one a starting worker runs)
    // asks again, until a training starts.
    await queue("train").obliterate({ force: true });
    const ingest = await startWorkers({ queues: ["ingest"] });
    try {
      const job = await waitFor(async () => trainJob(TEST_SHOP));
      expect(job.data).toEqual({ shopDomain: TEST_SHOP, reason: "redaction" });
    } finally {
      await ingest.close();
    }
    // A training that failed did not forget the customer: the sweep asks again.
    const shop = await ensureShop(db(), TEST_SHOP);
    await db().trainingRun.create({ data: { shopId: shop.id, reason: "redaction", status: "failed" } });
    await queue("train").obliterate({ force: true });
    await requestErasureTraining(db(), { graceMs: 0 });
    expect((await trainJob(TEST_SHOP))?.data).toEqual({ shopDomain: TEST_SHOP, reason: "redaction" });

    await db().trainingRun.create({ data: { shopId: shop.id, reason: "redaction", status: "running" } });
    await queue("train").obliterate({ force: true });
    await requestErasureTraining(db(), { graceMs: 0 });
    expect(await trainJob(TEST_SHOP)).toBeUndefined();
  });

  it("a request while the shop's training runs queues one follow-up, and more requests collapse into it", async () => {
    await queue("train").obliterate({ force: true });
    const shopDomain = "busy-shop.myshopify.com";
    let release = () => {};
    const running = new Promise<void>((resolve) => {
      release = resolve;
    });
    const connection = createRedis("worker");
    const busy = new Worker("train", () => running, { connection, prefix: env().QUEUE_PREFIX });
    try {
      expect(await requestTraining({ shopDomain, reason: "manual" })).toBe("queued");
      await waitFor(async () => (await trainJob(shopDomain))?.isActive());
      expect(await requestTraining({ shopDomain, reason: "orders" })).toBe("queued");
      expect(await requestTraining({ shopDomain, reason: "orders" })).toBe("waiting");
      const followUp = await queue("train").getJob(trainingJobId(shopDomain, "next"));
      expect(followUp?.data).toEqual({ shopDomain, reason: "orders" });
      expect(await queue("train").getWaitingCount()).toBe(1);
    } finally {
      release();
      await busy.close();
      connection.disconnect();
    }
  });

  it("a request after a failed training job trains again, though a training finished since that job was made", async () => {
    await queue("train").obliterate({ force: true });
    const shopDomain = "failed-before.myshopify.com";
    const shop = await ensureShop(db(), shopDomain);
    const connection = createRedis("worker");
    const failing = new Worker(
      "train",
      async () => {
        throw new UnrecoverableError("database unavailable");
      },
      { connection, prefix: env().QUEUE_PREFIX },
    );
    try {
      const failed = new Promise((resolve) => failing.once("failed", resolve));
      await requestTraining({ shopDomain, reason: "redaction" });
      await failed;
    } finally {
      await failing.close();
      connection.disconnect();
    }
    expect(await (await trainJob(shopDomain))?.getState()).toBe("failed");
    // Another request's training (the other slot's) finished after that job was made.
    await db().trainingRun.create({ data: { shopId: shop.id, reason: "orders", status: "stored" } });

    // The erasure's request is made again (the sweep does): it must train on the data as it is now.
    await requestTraining({ shopDomain, reason: "redaction" });
    const train = await startWorkers({ queues: ["train"] });
    try {
      const runs = await waitFor(async () => {
        const found = await db().trainingRun.findMany({ where: { shopId: shop.id, reason: "redaction" } });
        return found.length > 0 && found.every((run) => run.status !== "running") && found;
      });
      expect(runs).toHaveLength(1);
    } finally {
      await train.close();
    }
  });

  it("the train worker schedules the nightly run with the configured cron pattern, in UTC", async () => {
    await queue("train").obliterate({ force: true });
    workers = await startWorkers({ queues: ["train"] });
    const scheduler = await queue("train").getJobScheduler("nightly-training");
    expect(scheduler).toMatchObject({ pattern: "30 2 * * *", tz: "UTC", name: "schedule-training" });
  });
});
