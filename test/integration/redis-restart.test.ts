import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import type { QueueName } from "~/jobs/definitions";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { action } from "~/routes/webhooks.$";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { freePort, PrivateRedis } from "../helpers/redis-server";
import { callRoute } from "../helpers/routes";
import { webhookRequest } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

const redis = new PrivateRedis(await freePort());
const context = isolateIntegration({ redisUrl: redis.url });
process.env.SWEEP_GRACE_MS = "0";
process.env.ENQUEUE_TIMEOUT_MS = "200";
const QUEUES: QueueName[] = ["ingest", "backfill", "train"];

beforeAll(() => redis.start());
afterAll(() => redis.stop());

async function deliver(ids: number[]) {
  const statuses = [];
  for (const id of ids) {
    const payload = { ...webhookFixture("orders-create"), id };
    statuses.push((await callRoute(action, webhookRequest({ topic: "orders/create", payload }))).status);
  }
  return statuses;
}

const processed = () => db().webhookDelivery.count({ where: { status: "processed" } });

async function schedulerIds() {
  const ids: string[] = [];
  for (const name of QUEUES) {
    const scheduler = new Queue(name, { connection: { url: redis.url }, prefix: context.queuePrefix });
    ids.push(...(await scheduler.getJobSchedulers()).map((s) => s.key));
    await scheduler.close();
  }
  return ids.sort();
}

describe("a worker running while Redis restarts empty", () => {
  let workers: RunningWorkers | undefined;
  afterAll(async () => {
    await workers?.close();
  });

  it("processes every delivery recorded meanwhile and gets its schedulers back, without a restart", async () => {
    // The periodic check is far off: the reconnect alone must heal.
    workers = await startWorkers({ queues: QUEUES, scheduleCheckMs: 600_000 });
    const scheduled = await schedulerIds();
    expect(scheduled).toEqual([
      "hourly-delivery-prune",
      "hourly-guardrails",
      "nightly-collection-sync",
      "nightly-health-checks",
      "nightly-training",
      "sweep",
    ]);
    expect(await deliver([1, 2, 3])).toEqual([200, 200, 200]);
    await waitFor(async () => (await processed()) === 3);

    await redis.stop();
    expect(await deliver([4, 5, 6, 7, 8])).toEqual([200, 200, 200, 200, 200]);
    await redis.start();
    expect(await deliver([9, 10])).toEqual([200, 200]);

    await waitFor(async () => (await processed()) === 10, 20_000);
    expect(await db().order.count()).toBe(10);
    expect(await db().webhookDelivery.count({ where: { status: "pending" } })).toBe(0);
    await waitFor(async () => (await schedulerIds()).join() === scheduled.join());
  });
});

describe("a scheduler lost while the connection stayed up", () => {
  it("is recreated by the worker's periodic check", async () => {
    const workers = await startWorkers({ queues: QUEUES, scheduleCheckMs: 200 });
    try {
      const train = new Queue("train", { connection: { url: redis.url }, prefix: context.queuePrefix });
      await train.removeJobScheduler("nightly-training");
      expect(await train.getJobScheduler("nightly-training")).toBeUndefined();
      await waitFor(async () => (await train.getJobScheduler("nightly-training")) !== undefined, 5_000);
      await train.close();
    } finally {
      await workers.close();
    }
  });
});
