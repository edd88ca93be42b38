import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { loader as performanceLoader } from "~/routes/app.performance";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { simulateOfferActivity } from "~/services/simulate-offer-activity.server";
import { adminRequest } from "../helpers/admin";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { callRoute } from "../helpers/routes";

isolateIntegration();

const DAYS = 21;
// A fixed evening, so the weekdays fall on the same simulated days whenever the test runs.
const NOW = new Date("2026-11-30T18:00:00Z");
const SIMULATION = { days: DAYS, checkoutsPerDay: 10, seed: 4, now: NOW };
let shopId: string;
let liveVersion: number;

beforeAll(async () => {
  await seedDemoShop(db(), {
    seed: 3,
    synthetic: { orders: 700, customers: 160, products: 50 },
    scopes: "read_orders",
  });
  shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
  liveVersion = await trainLiveModel(DEMO_SHOP);
}, 120_000);

async function performancePage() {
  const response = await callRoute(
    performanceLoader,
    await adminRequest("/app/performance?range=custom&from=2026-11-10&to=2026-11-30", { shop: DEMO_SHOP }),
  );
  expect(response.status).toBe(200);
  return response.json();
}

async function stored() {
  const [events, simulatedOrders, history, exposures, grants] = await Promise.all([
    db().offerEvent.count({ where: { shopId } }),
    db().order.count({ where: { shopId, source: "shopify" } }),
    db().order.count({ where: { shopId, source: "csv" } }),
    db().experimentExposure.count({ where: { shopId } }),
    db().offerGrant.count({ where: { shopId } }),
  ]);
  return { events, simulatedOrders, history, exposures, grants };
}

describe("the demo shop's simulated shoppers", () => {
  let first: Awaited<ReturnType<typeof simulateOfferActivity>>;
  let firstStored: Awaited<ReturnType<typeof stored>>;

  beforeAll(async () => {
    first = await simulateOfferActivity(db(), SIMULATION);
    firstStored = await stored();
  }, 120_000);

  it("are served by the live model, and says so", async () => {
    expect(first.modelVersions).toEqual([{ modelVersion: liveVersion, checkouts: expect.any(Number) }]);
    const { performance } = await performancePage();
    expect(performance.rows.length).toBeGreaterThan(0);
    expect(new Set(performance.rows.map((row: { modelVersion: number | null }) => row.modelVersion))).toEqual(
      new Set([liveVersion]),
    );
    expect(performance.totals.purchases).toBeGreaterThan(0);
  });

  it("go through the experiment: the holdout is shown nothing and both arms count checkouts", async () => {
    const { experiment } = await performancePage();
    const arms = Object.fromEntries(
      experiment.arms.map((arm: { variant: string; checkouts: number; impressions: number }) => [
        arm.variant,
        arm,
      ]),
    );
    expect(Object.keys(arms).sort()).toEqual(["default", "holdout"]);
    expect(arms.holdout.checkouts).toBeGreaterThan(0);
    expect(arms.holdout.impressions).toBe(0);
    expect(arms.default.checkouts).toBeGreaterThan(arms.holdout.checkouts);
    expect(arms.default.impressions).toBeGreaterThan(0);
    expect(arms.default.conversions).toBeGreaterThan(0);
    expect(first.arms.map((arm) => arm.variant)).toEqual(["default", "holdout"]);
  });

  it("give checkout shoppers, guests too, personalized discounts dated when they were served", async () => {
    expect(first.discountedOffers).toBeGreaterThan(0);
    const grants = await db().offerGrant.findMany({ where: { shopId } });
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.length).toBeLessThanOrEqual(first.discountedOffers);
    const since = NOW.getTime() - DAYS * 86_400_000;
    expect(grants.every((grant) => grant.grantedAt.getTime() >= since)).toBe(true);
    expect(grants.some((grant) => grant.grantedAt.getTime() < NOW.getTime() - 7 * 86_400_000)).toBe(true);
    expect(grants.some((grant) => grant.holder.startsWith("checkout:"))).toBe(true);
    // What the orders of discounted offers received is on their lines.
    const discountedLines = await db().orderLine.count({
      where: { order: { shopId }, offerDiscount: { gt: 0 } },
    });
    expect(discountedLines).toBeGreaterThan(0);
    expect(await db().offerEvent.count({ where: { shopId, discountPercent: { gt: 0 } } })).toBeGreaterThan(0);
  });

  it("come in a weekly rhythm with day-to-day noise, not a straight line", async () => {
    const { performance } = await performancePage();
    const days: Array<{ day: string; impressions: number }> = performance.days.slice(0, -1);
    const weekend = days.filter((day) => [0, 6].includes(new Date(`${day.day}T00:00:00Z`).getUTCDay()));
    const weekdays = days.filter((day) => !weekend.includes(day));
    const mean = (list: typeof days) => list.reduce((sum, day) => sum + day.impressions, 0) / list.length;
    expect(mean(weekend)).toBeGreaterThan(1.2 * mean(weekdays));
    const steps = days.slice(1).map((day, i) => day.impressions - days[i]!.impressions);
    expect(new Set(steps).size).toBeGreaterThan(5);
  });

  it("replace the previous simulation when run again, and leave the seeded history alone", async () => {
    const firstOrders = await db().order.findMany({
      where: { shopId, source: "shopify" },
      select: { id: true },
    });
    const second = await simulateOfferActivity(db(), SIMULATION);
    // The same shoppers at the same times in the same arms; what they do with an offer may differ
    // only where the discount policy, learning from the outcomes, chose differently.
    expect(second.checkouts).toBe(first.checkouts);
    expect(second.arms).toEqual(first.arms);
    expect(second.modelVersions).toEqual(first.modelVersions);
    const now = await stored();
    expect(now).toEqual({
      events: second.events,
      simulatedOrders: second.checkoutOrders,
      history: firstStored.history,
      exposures: firstStored.exposures,
      grants: now.grants,
    });
    // A shopper's grant is given again within a checkout's reach, so there are at most as many grants
    // as discounted offers: the first run's are gone.
    expect(now.grants).toBeGreaterThan(0);
    expect(now.grants).toBeLessThanOrEqual(second.discountedOffers);
    expect(firstStored).toMatchObject({ events: first.events, simulatedOrders: first.checkoutOrders });
    expect(firstStored.grants).toBeLessThanOrEqual(first.discountedOffers);
    expect(Math.abs(second.events - first.events)).toBeLessThan(first.events * 0.1);
    expect(await db().order.count({ where: { id: { in: firstOrders.map((order) => order.id) } } })).toBe(0);
  }, 120_000);

  it("refuse any other shop, and a demo shop holding orders from elsewhere", async () => {
    await expect(
      simulateOfferActivity(db(), { ...SIMULATION, shopDomain: "demo-history.myshopify.com" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await upsertOrderBatch(db(), {
      shopId,
      source: "csv",
      orders: [
        {
          externalId: "1001",
          orderedAt: "2026-10-01T10:00:00.000Z",
          updatedAt: null,
          customerKey: null,
          currency: null,
          totalPrice: null,
          financialStatus: null,
          cancelledAt: null,
          test: false,
          refunds: [],
          lines: [],
        },
      ],
    });
    await expect(simulateOfferActivity(db(), SIMULATION)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await stored()).events).toBe(first.events);
  });
});
