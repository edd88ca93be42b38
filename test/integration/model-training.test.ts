import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { HoldoutMetricsSchema } from "~/lib/model-promotion";
import { loadLiveArtifact } from "~/models/model-versions.server";
import { eraseCustomerByOrder } from "~/services/erase-customer.server";
import { getModelOverview } from "~/services/model-overview.server";
import { registerModel, restoreVersion } from "~/services/model-registry.server";
import { redactCustomer } from "~/services/privacy.server";
import { trainingJobId } from "~/services/request-training.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { trainShopModel } from "~/services/train-shop-model.server";
import { rankOffers } from "~/serving/rank-offers.server";
import { servingState } from "~/serving/serving.server";
import { isolateIntegration } from "../helpers/integration";
import { waitFor } from "../helpers/wait";

isolateIntegration();

const SYNTHETIC = { orders: 1_500, customers: 300, products: 120 };
let shopId: string;
let workers: RunningWorkers | undefined;

/** The model version a checkout of the demo shop is ranked by in this process; null: popularity. */
async function servedVersion(): Promise<number | null> {
  const state = await servingState(DEMO_SHOP);
  const request = {
    customerKey: null,
    cart: [],
    k: 4,
    ranking: "model",
    caller: "checkout",
    historyBefore: null,
  } as const;
  return (await rankOffers(state!, request)).modelVersion;
}

beforeAll(async () => {
  // Seeding is a CSV import, which queues the shop's training; the worker starts after the redaction.
  await seedDemoShop(db(), { seed: 3, synthetic: SYNTHETIC, scopes: "read_orders" });
  shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
  const someone = await db().order.findFirstOrThrow({ where: { shopId, customerKey: { not: null } } });
  await db().$transaction((tx) =>
    redactCustomer(tx, { shopId, customerKey: someone.customerKey, orderIds: [] }),
  );
  workers = await startWorkers({ queues: ["train"] });
}, 120_000);
afterAll(async () => {
  await workers?.close();
});

async function liveVersion() {
  return db().modelVersion.findFirst({ where: { shopId, status: "live" }, include: { artifact: true } });
}

describe("training in the worker", () => {
  it("trains the imported shop: a live version with holdout metrics, its artifact, and the redaction applied", async () => {
    const live = await waitFor(async () => (await liveVersion()) ?? undefined, 120_000);
    expect(live).toMatchObject({
      version: 1,
      status: "live",
      orderCount: expect.any(Number),
      decisionNote: expect.stringMatching(
        /^Promoted with no live model to compare with: NDCG 0\.\d{4} ± 0\.\d{4} on \d+ holdout checkouts\.$/,
      ),
      artifactLocation: `postgres:model_artifact/${live.id}`,
      promotedAt: expect.any(Date),
    });
    expect(live.orderCount).toBeGreaterThan(1_000);
    expect(live.dataTo?.getTime()).toBeGreaterThan(live.dataFrom!.getTime());
    const metrics = HoldoutMetricsSchema.parse(live.metrics);
    expect(metrics.queries).toBeGreaterThanOrEqual(10);
    expect(metrics.ndcg).toBeGreaterThan(0);
    expect(live.artifact?.sizeBytes).toBe(live.artifact?.bytes.byteLength);
    expect(live.artifact?.sizeBytes).toBeGreaterThan(0);

    const run = await db().trainingRun.findFirstOrThrow({ where: { shopId } });
    expect(run).toMatchObject({
      reason: "import",
      status: "stored",
      version: 1,
      orderCount: live.orderCount,
    });
    // The version is committed before the worker marks its job completed: wait for the job too.
    const job = await waitFor(async () => {
      // finishedOn and returnvalue are read together from the job's hash: no stale half-read.
      const current = await queue("train").getJob(trainingJobId(DEMO_SHOP));
      return current?.finishedOn ? current : undefined;
    }, 30_000);
    expect(job?.returnvalue).toMatchObject({ status: "live", version: 1 });
    expect(job?.progress).toMatchObject({ stage: "storing" });
    // The served model holds the TF.js factorization, and the job's log says what training it took.
    expect(live.params).toMatchObject({ factorizationDimensions: expect.any(Number) });
    const { logs } = await queue("train").getJobLogs(job!.id!);
    expect(logs).toContainEqual(
      expect.stringMatching(/ s training: TF\.js factorization epoch 1\/\d+, loss \d/),
    );
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^\d+\.\d s training: TF\.js factorization trained in \d+\.\d s on (wasm|cpu|tensorflow)$/,
      ),
    );
    expect(await db().customerRedaction.findFirstOrThrow({ where: { shopId } })).toMatchObject({
      appliedToModelsAt: expect.any(Date),
    });
  });

  it("refuses a candidate that measures worse beyond noise, and the live one stays", async () => {
    const live = (await liveVersion())!;
    const metrics = HoldoutMetricsSchema.parse(live.metrics);
    const worse = { ...metrics, ndcg: Math.max(0, metrics.ndcg - 4 * metrics.ndcgStdErr - 0.01) };
    const registration = await registerModel(db(), {
      shopId,
      keep: 10,
      model: {
        metrics: worse,
        params: live.params as Record<string, unknown>,
        window: { from: null, to: null, orders: 1, products: 1, customers: 1 },
        trainSeconds: 0,
        bytes: live.artifact!.bytes,
      },
    });
    expect(registration).toMatchObject({ version: 2, status: "rejected" });
    expect(registration.note).toContain(`vs live v1 ${metrics.ndcg.toFixed(4)}`);
    expect((await liveVersion())?.version).toBe(1);
  });

  it("promotes a retrained model, and a restored version is served without a restart", async () => {
    expect(await servedVersion()).toBe(1);

    const outcome = await trainShopModel(db(), {
      shopDomain: DEMO_SHOP,
      reason: "manual",
      log: pino({ level: "silent" }),
      keep: 10,
    });
    expect(outcome).toMatchObject({ status: "live", version: 3, note: expect.stringMatching(/^Promoted: /) });
    // The same data reads in the same order, so training again gives the same model.
    const [first, third] = await db().modelVersion.findMany({
      where: { shopId, version: { in: [1, 3] } },
      orderBy: { version: "asc" },
    });
    expect(third?.metrics).toEqual(first?.metrics);
    // Promotion announces the change: the next checkout is ranked by the new version.
    expect(await servedVersion()).toBe(3);

    await restoreVersion(db(), { shopDomain: DEMO_SHOP, version: 1 });
    expect((await loadLiveArtifact(db(), shopId))?.version).toBe(1);
    expect(await servedVersion()).toBe(1);
    const statuses = await db().modelVersion.findMany({ where: { shopId }, orderBy: { version: "asc" } });
    expect(statuses.map((v) => v.status)).toEqual(["live", "rejected", "retired"]);
  });

  it("rejects a model trained on scrambled orders, and keeps serving the live one", async () => {
    // Every line gets an arbitrary product: nothing left to learn, so the holdout score collapses.
    await db().$executeRaw`
      UPDATE "OrderLine" l SET "productId" = (
        SELECT p."externalId" FROM "Product" p WHERE p."shopId" = ${shopId}::uuid
        ORDER BY md5(l.id::text || p."externalId") LIMIT 1)
      FROM "Order" o WHERE o.id = l."orderId" AND o."shopId" = ${shopId}::uuid`;
    const outcome = await trainShopModel(db(), {
      shopDomain: DEMO_SHOP,
      reason: "manual",
      log: pino({ level: "silent" }),
      keep: 10,
    });
    expect(outcome).toMatchObject({ status: "rejected", version: 4 });
    expect(outcome.note).toMatch(/^Rejected, worse than the live model beyond noise: .* vs live v1 /);
    expect((await liveVersion())?.version).toBe(1);
    expect(await servedVersion()).toBe(1);
  });

  it("after an erasure, no version trained before it can be restored, and a retraining replaces the live one", async () => {
    const someone = await db().order.findFirstOrThrow({ where: { shopId, customerKey: { not: null } } });
    const erased = await eraseCustomerByOrder(db(), {
      shopDomain: DEMO_SHOP,
      orderNumber: someone.externalId,
    });
    expect(erased.customerKnown).toBe(true);
    const redaction = { shopId_customerKey: { shopId, customerKey: someone.customerKey! } };

    await expect(restoreVersion(db(), { shopDomain: DEMO_SHOP, version: 3 })).rejects.toThrow(
      /Version 3 was trained before a customer's data was erased/,
    );
    const before = await getModelOverview(db(), DEMO_SHOP);
    expect(before.versions.filter((version) => version.restorable)).toEqual([]);

    // The erasure queued a training at once; it goes live even though the scrambled orders measure
    // worse, because the live version still holds the erased customer.
    const replaced = await waitFor(async () => {
      const live = await liveVersion();
      return live && live.version > 4 ? live : undefined;
    }, 120_000);
    expect(replaced.decisionNote).toMatch(/erased/);
    const older = await db().modelVersion.findMany({ where: { shopId, version: { lt: replaced.version } } });
    expect(older.map((version) => version.artifactLocation)).toEqual(older.map(() => null));
    // The run records its version just after the version goes live.
    const run = await waitFor(
      async () =>
        (await db().trainingRun.findFirst({ where: { shopId, version: replaced.version } })) ?? undefined,
      10_000,
    );
    expect(run.reason).toBe("redaction");
    const applied = await db().customerRedaction.findUniqueOrThrow({ where: redaction });
    expect(applied.appliedToModelsAt).toEqual(expect.any(Date));

    // Restoring an older version stays refused, so the redaction stays truly applied.
    await expect(restoreVersion(db(), { shopDomain: DEMO_SHOP, version: 1 })).rejects.toThrow(/erased/);
    expect((await liveVersion())?.version).toBe(replaced.version);
    expect(await db().customerRedaction.findUniqueOrThrow({ where: redaction })).toEqual(applied);
  }, 150_000);

  it("after an erasure that leaves too little data to train, retires the live model instead of keeping it", async () => {
    const kept = await db().order.findMany({
      where: { shopId, customerKey: { not: null } },
      orderBy: { externalId: "asc" },
      take: 10,
      select: { id: true, externalId: true },
    });
    await db().order.deleteMany({ where: { shopId, id: { notIn: kept.map((order) => order.id) } } });
    const live = (await liveVersion())!;

    await eraseCustomerByOrder(db(), { shopDomain: DEMO_SHOP, orderNumber: kept[0]!.externalId });
    const run = await waitFor(async () => {
      const latest = await db().trainingRun.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } });
      return latest?.reason === "redaction" && latest.status === "skipped" ? latest : undefined;
    }, 60_000);
    expect(run.note).toMatch(/retired/);
    expect(await liveVersion()).toBeNull();
    expect(await db().customerRedaction.count({ where: { shopId, appliedToModelsAt: null } })).toBe(0);
    await expect(restoreVersion(db(), { shopDomain: DEMO_SHOP, version: live.version })).rejects.toThrow(
      /erased/,
    );
    // The retirement was announced before the run was closed: checkouts fall back to popularity.
    expect(await servedVersion()).toBeNull();
  });
});
