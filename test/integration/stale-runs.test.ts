import pino from "pino";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { startHeartbeatThread } from "~/lib/heartbeat-thread.server";
import { ensureShop } from "~/models/shops.server";
import { trainingHeartbeat } from "~/models/training-runs.server";
import { closeStaleRuns } from "~/services/close-stale-runs.server";
import { trainingJobId } from "~/services/request-training.server";
import { trainShopModel } from "~/services/train-shop-model.server";
import { isolateIntegration } from "../helpers/integration";

isolateIntegration();

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe("runs whose process died", () => {
  it("are closed as interrupted with what they stored, and their work is asked for again", async () => {
    const shop = await ensureShop(db(), "crashed.myshopify.com");
    const killedCsv = await db().importRun.create({
      data: { shopId: shop.id, kind: "csv", status: "running", processed: 115_000, updatedAt: minutesAgo(5) },
    });
    const liveCsv = await db().importRun.create({
      data: { shopId: shop.id, kind: "csv", status: "running", processed: 5_000 },
    });
    const killedBulk = await db().importRun.create({
      data: { shopId: shop.id, kind: "bulk", status: "running", stage: "orders", updatedAt: minutesAgo(5) },
    });
    const killedTraining = await db().trainingRun.create({
      data: { shopId: shop.id, reason: "nightly", updatedAt: minutesAgo(3) },
    });
    const liveTraining = await db().trainingRun.create({ data: { shopId: shop.id, reason: "manual" } });
    const finished = await db().importRun.create({
      data: { shopId: shop.id, kind: "csv", status: "completed", updatedAt: minutesAgo(60) },
    });

    expect(await closeStaleRuns(db(), { staleMs: 90_000 })).toEqual({ imports: 2, trainings: 1 });

    const importRun = (id: string) => db().importRun.findUniqueOrThrow({ where: { id } });
    expect(await importRun(killedCsv.id)).toMatchObject({
      status: "failed",
      processed: 115_000,
      error: expect.stringMatching(/^Interrupted/),
      finishedAt: expect.any(Date),
    });
    expect(await importRun(killedBulk.id)).toMatchObject({ status: "failed", stage: "orders" });
    expect((await importRun(liveCsv.id)).status).toBe("running");
    expect((await importRun(finished.id)).status).toBe("completed");
    expect(await db().trainingRun.findUniqueOrThrow({ where: { id: killedTraining.id } })).toMatchObject({
      status: "failed",
      note: expect.stringMatching(/^Interrupted/),
    });
    expect((await db().trainingRun.findUniqueOrThrow({ where: { id: liveTraining.id } })).status).toBe(
      "running",
    );

    // The history import resumes and the training runs again without waiting for a lock to expire.
    expect(await queue("backfill").getJob(`bulk-${killedBulk.id}`)).toBeDefined();
    const training = await queue("train").getJob(trainingJobId(shop.domain));
    expect(training?.data).toEqual({ shopDomain: shop.domain, reason: "nightly" });
  });

  it("a killed training's own job, run again once its lock expires, does not train a second time", async () => {
    const shop = await ensureShop(db(), "retrained.myshopify.com");
    const requestedAt = minutesAgo(11);
    // The training the sweep asked for after the kill, finished meanwhile.
    await db().trainingRun.create({
      data: { shopId: shop.id, reason: "nightly", status: "stored", startedAt: minutesAgo(9) },
    });
    const outcome = await trainShopModel(db(), {
      shopDomain: shop.domain,
      reason: "nightly",
      log: pino({ level: "silent" }),
      keep: 3,
      requestedAt,
    });
    expect(outcome).toMatchObject({ status: "skipped", note: expect.stringMatching(/already finished/) });
    expect(await db().trainingRun.count({ where: { shopId: shop.id } })).toBe(1);
  });
});

describe("a live training", () => {
  it("keeps its heartbeat while its main thread is held, so the sweep leaves it running", async () => {
    const shop = await ensureShop(db(), "busy.myshopify.com");
    const run = await db().trainingRun.create({
      data: { shopId: shop.id, reason: "manual", updatedAt: minutesAgo(3) },
    });
    const stop = startHeartbeatThread({
      databaseUrl: process.env.DATABASE_URL ?? "",
      ...trainingHeartbeat(run.id),
      everyMs: 100,
    });
    try {
      // A fit holds the main thread: nothing on it runs for 1.5 s.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_500);
      expect(await closeStaleRuns(db(), { staleMs: 60_000 })).toEqual({ imports: 0, trainings: 0 });
      expect((await db().trainingRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");
    } finally {
      await stop();
    }
    // Once stopped it beats no more.
    const stoppedAt = (await db().trainingRun.findUniqueOrThrow({ where: { id: run.id } })).updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await db().trainingRun.findUniqueOrThrow({ where: { id: run.id } })).updatedAt).toEqual(
      stoppedAt,
    );
  });
});
