import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { queue } from "~/jobs/queues.server";
import { requestRedis } from "~/redis.server";
import { loader as homeLoader } from "~/routes/app._index";
import { loader as modelsLoader } from "~/routes/app.models";
import { checkModelHealth } from "~/services/check-model-health.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { trainingJobId } from "~/services/request-training.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { flushOffersAnswers, recordOffersAnswer } from "~/serving/offers-serving-stats.server";
import { generateSyntheticShop, SYNTHETIC_CSV_HEADER } from "~ml";
import { adminRequest } from "../helpers/admin";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { callRoute } from "../helpers/routes";

isolateIntegration();

const log = pino({ level: "silent" });

async function page(loader: Parameters<typeof callRoute>[0], path: string) {
  const response = await callRoute(loader, await adminRequest(path, { shop: DEMO_SHOP }));
  expect(response.status).toBe(200);
  return response.json();
}
const SHOP = { products: 60, customers: 300 } as const;

/**
 * Orders of another synthetic shop's tastes on the same product ids (its pairs, bundles and
 * favourites differ), placed after `start`; one line in four is a product the shop never sold before.
 */
function shiftedOrdersCsv(start: Date, orders: number): string[] {
  const shifted = generateSyntheticShop({
    ...SHOP,
    seed: 9,
    orders,
    start: start.toISOString().slice(0, 10),
    days: 30,
  });
  const lines = [SYNTHETIC_CSV_HEADER];
  let n = 0;
  for (const order of shifted.orders()) {
    for (const line of order.lines) {
      const productId = n++ % 4 === 0 ? `9${line.productId}` : line.productId;
      lines.push(
        `shift-${order.id},${order.customerId ?? ""},${productId},${line.quantity},${line.unitPrice.toFixed(2)},${order.orderedAt},,`,
      );
    }
  }
  return lines.map((line) => `${line}\n`);
}

describe("the model health check", () => {
  let shopId: string;

  beforeAll(async () => {
    await seedDemoShop(db(), {
      seed: 3,
      synthetic: { ...SHOP, orders: 1_500, days: 120 },
      scopes: "read_orders",
    });
    shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
    await trainLiveModel(DEMO_SHOP);
  }, 120_000);

  it("records a quiet check while no order came since the model's data", async () => {
    const outcome = await checkModelHealth(db(), { shopDomain: DEMO_SHOP, log });
    expect(outcome).toEqual({ status: "checked", version: 1, alerts: [], retrainRequested: false });
    const [check] = await db().modelHealthCheck.findMany({ where: { shopId } });
    expect(check).toMatchObject({
      version: 1,
      recentOrders: 0,
      queries: 0,
      ndcg: null,
      retrainRequested: false,
    });
    expect(check!.holdoutNdcg).toBeGreaterThan(0.1);
    // Home shows the check, and every customer with an order in one segment of returning shoppers.
    const home = await page(homeLoader, "/app");
    expect(home.health).toMatchObject({ version: 1, alerts: [] });
    const customers = await db().order.findMany({
      where: { shopId, customerKey: { not: null } },
      distinct: ["customerKey"],
      select: { customerKey: true },
    });
    expect(home.segments.map((s: { segment: string }) => s.segment)).toEqual([
      "vip",
      "returning",
      "lapsing",
      "lapsed",
    ]);
    expect(home.segments.reduce((sum: number, s: { customers: number }) => sum + s.customers, 0)).toBe(
      customers.length,
    );
  });

  it("holds the offers endpoint to the checkout's bar: alerts on failures and slow answers, without retraining", async () => {
    // 2,000 answers of the last days: 5 failed (0.25%), and 1 in 10 took 700 ms.
    const now = Date.now();
    for (let i = 0; i < 2_000; i++) {
      const at = new Date(now - (i % 5) * 86_400_000);
      recordOffersAnswer(DEMO_SHOP, i < 5 ? 500 : 200, i % 10 === 0 ? 700 : 8, at);
    }
    // Answers to another shop are its own.
    for (let i = 0; i < 50; i++) recordOffersAnswer("other-shop.myshopify.com", 500, 9_000);
    await flushOffersAnswers();

    const outcome = await checkModelHealth(db(), { shopDomain: DEMO_SHOP, log });
    expect(outcome).toMatchObject({ status: "checked", version: 1, retrainRequested: false });
    if (outcome.status !== "checked") throw new Error("not checked");
    expect(outcome.alerts.map((alert) => alert.kind)).toEqual(["serving-failures", "serving-latency"]);
    expect(outcome.alerts[0]!.message).toBe(
      "0.25% of the last 28 days' 2,000 offer requests failed (the bar is 0.1%).",
    );
    const models = await page(modelsLoader, "/app/models");
    expect(models.health.serving).toEqual({
      requests: 2_000,
      failures: 5,
      p50Ms: 10,
      p95Ms: 1000,
      p99Ms: 1000,
    });
    const home = await page(homeLoader, "/app");
    expect(home.healthAlert.alerts.map((alert: { kind: string }) => alert.kind)).toEqual([
      "serving-failures",
      "serving-latency",
    ]);

    // The next checks judge the model alone.
    const keys = await requestRedis().keys(`${process.env.QUEUE_PREFIX}:offers-served:*`);
    await requestRedis().del(...keys);
  });

  it("sees the decay and the drift when tastes shift, asks for a training, and the retrained model recovers", async () => {
    const v1 = await db().modelVersion.findFirstOrThrow({ where: { shopId, version: 1 } });
    const imported = await importOrderCsv(db(), {
      shopDomain: DEMO_SHOP,
      csv: shiftedOrdersCsv(new Date(v1.dataTo!.getTime() + 86_400_000), 1_000),
    });
    expect(imported.orders).toBe(1_000);
    // The import asked for a training of its own; as if it had run, only the check may ask now.
    await queue("train").drain();

    const outcome = await checkModelHealth(db(), { shopDomain: DEMO_SHOP, log });
    expect(outcome.status).toBe("checked");
    if (outcome.status !== "checked") return;
    expect(outcome.alerts.map((alert) => alert.kind)).toEqual(
      expect.arrayContaining(["decay", "unknown-products"]),
    );
    expect(outcome.retrainRequested).toBe(true);
    const job = await queue("train").getJob(trainingJobId(DEMO_SHOP));
    expect(job?.data).toEqual({ shopDomain: DEMO_SHOP, reason: "health" });

    const check = await db().modelHealthCheck.findFirstOrThrow({
      where: { shopId },
      orderBy: { checkedAt: "desc" },
    });
    expect(check.recentOrders).toBe(1_000);
    expect(check.unknownShare).toBeGreaterThan(0.5);
    // The merchant sees it on Home and the Models page, with the numbers.
    const home = await page(homeLoader, "/app");
    expect(home.healthAlert.alerts.map((alert: { kind: string }) => alert.kind)).toContain("decay");
    expect(home.healthAlert.alerts[0].message).toMatch(/^The live model ranks recent checkouts worse/);
    const models = await page(modelsLoader, "/app/models");
    expect(models.health).toMatchObject({ version: 1, recentOrders: 1_000, retrainRequested: true });
    const before = check.holdoutNdcg!;
    const after = check.ndcg!;
    expect(after).toBeLessThan(0.85 * before);

    // The training the check asked for, run here as the worker would.
    expect(await trainLiveModel(DEMO_SHOP)).toBe(2);
    const v2 = await db().modelVersion.findFirstOrThrow({ where: { shopId, version: 2 } });
    const retrained = (v2.metrics as { ndcg: number }).ndcg;
    // The alert was about v1: with v2 live, Home no longer raises it.
    expect((await page(homeLoader, "/app")).healthAlert).toBeNull();
    // Judged against v1 on the newest checkouts, which v1 never saw, not against v1's older figure.
    expect(v2.decisionNote).toMatch(
      /^Promoted: .* but better on the \d+ of them after live v1's data, [\d.]+ ± [\d.]+ vs its [\d.]+ ± [\d.]+, by more than the noise .*: the shop's orders changed\.$/,
    );
    const v1Same = Number(/vs its ([\d.]+)/.exec(v2.decisionNote!)![1]);
    expect(retrained).toBeGreaterThan(1.3 * v1Same);
    expect(retrained).toBeGreaterThan(1.3 * after);
    console.info(
      `drift run: NDCG@10 ${before.toFixed(3)} before the shift, ${after.toFixed(3)} after it, ` +
        `${retrained.toFixed(3)} after the retraining (v1 on its holdout: ${v1Same.toFixed(3)})`,
    );
  });

  it("rolls back a newly promoted version whose take rate falls below its predecessor's, and not on noise", async () => {
    const day = 86_400_000;
    const promotedAt = new Date(Date.now() - 7 * day);
    await db().modelVersion.update({
      where: { shopId_version: { shopId, version: 2 } },
      data: { promotedAt },
    });
    // The same shop's traffic on either side of the promotion: 2,000 offers shown each.
    const shown = async (version: number, from: number, adds: number, tag: string) => {
      const events = Array.from({ length: 2_000 }, (_, i) => {
        const base = {
          shopId,
          offerId: `${tag}-${i}`,
          productId: "1",
          modelVersion: version,
          surface: "checkout",
          occurredAt: new Date(from + (i * 7 * day) / 2_000),
        };
        return i < adds
          ? [
              { ...base, type: "impression" },
              { ...base, type: "add" },
            ]
          : [{ ...base, type: "impression" }];
      }).flat();
      await db().offerEvent.createMany({ data: events });
    };
    await shown(1, promotedAt.getTime() - 7 * day, 200, "before");
    await shown(2, promotedAt.getTime(), 190, "after");
    const steady = await checkModelHealth(db(), { shopDomain: DEMO_SHOP, log });
    expect(steady).toMatchObject({ status: "checked", version: 2 });
    expect((await db().modelVersion.findFirstOrThrow({ where: { shopId, status: "live" } })).version).toBe(2);

    await db().offerEvent.deleteMany({ where: { shopId, modelVersion: 2 } });
    await shown(2, promotedAt.getTime(), 60, "worse");
    const outcome = await checkModelHealth(db(), { shopDomain: DEMO_SHOP, log });
    expect(outcome).toMatchObject({ status: "checked", version: 2, retrainRequested: false });
    const versions = await db().modelVersion.findMany({ where: { shopId }, orderBy: { version: "asc" } });
    expect(versions.map((v) => v.status)).toEqual(["live", "retired"]);
    expect(versions[1]!.decisionNote).toMatch(
      /^Rolled back automatically to v1: The take rate fell: 3\.0% of 2,000 offers shown \(v2 since its promotion\) against 10\.0% of 2,000 \(v1 just before it\); one-sided p = /,
    );
    expect(versions[0]!.decisionNote).toMatch(/^Restored automatically, replacing v2: The take rate fell/);
    const home = await page(homeLoader, "/app");
    expect(home.healthAlert.alerts[0].message).toMatch(
      /^Version 2 was rolled back to version 1\. The take rate fell/,
    );
  });
});
