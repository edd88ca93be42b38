import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { experimentPlan } from "~/lib/experiments";
import { signOfferToken } from "~/lib/offer-token.server";
import { ExperimentSettingsSchema } from "~/lib/shop-settings";
import { recordExperiment } from "~/models/experiments.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { loader as homeLoader } from "~/routes/app._index";
import { loader as performanceLoader } from "~/routes/app.performance";
import { loader as csvLoader } from "~/routes/app.performance[.csv]";
import { checkExperimentGuardrail } from "~/services/check-experiment-guardrail.server";
import { experimentReport } from "~/services/experiment-report.server";
import { announceServingChange } from "~/serving/serving.server";
import { assignVariant, HOLDOUT, sampleSizePerArm, welchTest } from "~ml";
import { POPULAR, seedOfferShop } from "../fixtures/offer-shop";
import { adminRequest } from "../helpers/admin";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken, TEST_SHOP } from "../helpers/shopify";

isolateIntegration();

const HOUR = 3_600_000;
const NOW = Date.now();
const EXPOSED_AT = new Date(NOW - 48 * HOUR);
const SINCE = new Date(NOW - 7 * 24 * HOUR);
const UNTIL = new Date(NOW + HOUR);
const SMALL = {
  holdoutPercent: 50,
  variants: [{ key: "offers", share: 100, ranking: "model", discounts: true }],
};
const SMALL_PLAN = experimentPlan(ExperimentSettingsSchema.parse(SMALL));

let shopId: string;
beforeAll(async () => {
  ({ shopId } = await seedOfferShop(db(), TEST_SHOP));
  await db().shop.update({ where: { id: shopId }, data: { settings: { maxOffers: 1, experiment: SMALL } } });
  await db().session.create({
    data: {
      id: `offline_${TEST_SHOP}`,
      shop: TEST_SHOP,
      state: "test",
      isOnline: false,
      scope: "read_orders",
      accessToken: "test-token",
    },
  });
});

async function expose(experimentId: string, variant: string, units: Array<string | null>, prefix: string) {
  await db().experimentExposure.createMany({
    data: units.map((customer, i) => ({
      shopId,
      experimentId,
      unitKey: customer ?? `${prefix}-guest-${i}`,
      variant,
      customerKey: customer,
      firstSeenAt: EXPOSED_AT,
    })),
  });
}

const sinceExposure = (hours: number) => new Date(EXPOSED_AT.getTime() + hours * HOUR).toISOString();

describe("the experiment report", () => {
  it("counts checkouts, linked conversions, revenue net of refunds and discount cost per arm", async () => {
    expect(await experimentReport(db(), { shopDomain: TEST_SHOP, since: SINCE, until: UNTIL })).toMatchObject(
      {
        experimentId: null,
        arms: [],
      },
    );
    await recordExperiment(db(), { shopId, plan: SMALL_PLAN });
    // Holdout: 4 logged-in buyers and a guest; variant: 4 logged-in buyers and 2 guests.
    await expose(SMALL_PLAN.id, HOLDOUT, ["h1", "h2", "h3", "h4", null], "h");
    await expose(SMALL_PLAN.id, "offers", ["v1", "v2", "v3", "v4", null, null], "v");
    const product = POPULAR[1]!;
    const offerId = signOfferToken({
      shopDomain: TEST_SHOP,
      productId: product,
      variantId: "45000000000001",
      modelVersion: null,
      surface: "checkout",
      servedAt: new Date(sinceExposure(1)),
      discountPercent: 10,
      experiment: { id: SMALL_PLAN.id, variant: 0 },
    });
    const orders = [
      // h1 buys 2 × 10 after exposure; h2 only before it.
      buildOrder({
        externalId: "x-h1",
        customerKey: "h1",
        orderedAt: sinceExposure(2),
        lines: [{ productId: product, quantity: 2, currentQuantity: 2, unitPrice: "10.00" }],
      }),
      buildOrder({
        externalId: "x-h2",
        customerKey: "h2",
        orderedAt: sinceExposure(-2),
        lines: [{ productId: product, unitPrice: "50.00" }],
      }),
      // v1 takes the offer (30, 10% off) and orders again (10); v2 keeps 1 of 2 × 20; v3's order is cancelled.
      buildOrder({
        externalId: "x-v1a",
        customerKey: "v1",
        orderedAt: sinceExposure(2),
        // What the discount took, as the order's allocation says it.
        lines: [{ productId: product, unitPrice: "30.00", offerId, offerDiscount: "3.00" }],
      }),
      buildOrder({
        externalId: "x-v1b",
        customerKey: "v1",
        orderedAt: sinceExposure(20),
        lines: [{ productId: product, unitPrice: "10.00" }],
      }),
      buildOrder({
        externalId: "x-v2",
        customerKey: "v2",
        orderedAt: sinceExposure(3),
        lines: [{ productId: product, quantity: 2, currentQuantity: 1, unitPrice: "20.00" }],
      }),
      buildOrder({
        externalId: "x-v3",
        customerKey: "v3",
        orderedAt: sinceExposure(3),
        cancelledAt: sinceExposure(4),
        lines: [{ productId: product, unitPrice: "99.00" }],
      }),
    ];
    await upsertOrderBatch(db(), { shopId, source: "shopify", orders });
    await db().offerEvent.createMany({
      data: [1, 2, 3, 4].map((n) => ({
        shopId,
        offerId: `impression-${n}`,
        productId: product,
        surface: "checkout",
        type: "impression",
        experimentId: SMALL_PLAN.id,
        variant: 0,
        occurredAt: new Date(sinceExposure(1)),
      })),
    });

    const report = await experimentReport(db(), { shopDomain: TEST_SHOP, since: SINCE, until: UNTIL });
    expect(report.experimentId).toBe(SMALL_PLAN.id);
    const [holdout, offers] = report.arms;
    expect(holdout).toMatchObject({
      variant: HOLDOUT,
      checkouts: 5,
      linked: 4,
      unlinked: 1,
      conversions: 1,
      conversionRate: 0.25,
      averageOrderValue: 20,
      revenuePerCheckout: 5,
      discountCost: 0,
      verdict: null,
    });
    expect(offers).toMatchObject({
      variant: "offers",
      paused: null,
      checkouts: 6,
      linked: 4,
      unlinked: 2,
      conversions: 2,
      conversionRate: 0.5,
      averageOrderValue: 20,
      revenuePerCheckout: 15,
      impressions: 4,
      purchases: 1,
      takeRate: 0.25,
      discountCost: 3,
    });
    // 0.5 − 0.25 ± 1.959964 × √(0.25·0.75/4 + 0.5·0.5/4) = 0.25 ± 0.648196
    expect(offers!.conversionLift!.difference).toBeCloseTo(0.25, 10);
    expect(offers!.conversionLift!.interval[0]).toBeCloseTo(-0.398196, 5);
    expect(offers!.conversionLift!.interval[1]).toBeCloseTo(0.898196, 5);
    // Revenue per checkout: holdout [20, 0, 0, 0] (mean 5, variance 100), variant [40, 20, 0, 0]
    // (mean 15, variance 1100/3); the discount, 3 over 4 checkouts, shifts the interval by 0.75.
    const welch = welchTest({ n: 4, mean: 5, variance: 100 }, { n: 4, mean: 15, variance: 1100 / 3 });
    expect(offers!.netIncrementalPerCheckout!.difference).toBeCloseTo(9.25, 10);
    expect(offers!.netIncrementalPerCheckout!.interval[0]).toBeCloseTo(welch.interval[0] - 0.75, 8);
    expect(offers!.netIncrementalPerCheckout!.interval[1]).toBeCloseTo(welch.interval[1] - 0.75, 8);
    // The horizon: 10% of the holdout's 25% conversion.
    const horizon = sampleSizePerArm({ baselineRate: 0.25, minimumDetectableEffect: 0.025 });
    expect(report.horizonPerArm).toBe(horizon);
    expect(offers!.verdict).toMatchObject({ status: "collecting", comparison: null });
    expect(offers!.remainingToHorizon).toBe(horizon - 4);
    expect(offers!.guardrail!.action).toBe("continue");
  });

  it("is on the performance page and in its CSV export", async () => {
    const get = async (loader: Parameters<typeof callRoute>[0], path: string) => {
      const response = await callRoute(loader, await adminRequest(path, { shop: TEST_SHOP }));
      expect(response.status).toBe(200);
      return response;
    };
    const page = await (await get(performanceLoader, "/app/performance?range=7")).json();
    expect(page.experiment.experimentId).toBe(SMALL_PLAN.id);
    expect(
      page.experiment.arms.map((arm: { variant: string; checkouts: number }) => [arm.variant, arm.checkouts]),
    ).toEqual([
      [HOLDOUT, 5],
      ["offers", 6],
    ]);
    const csv = await (await get(csvLoader, "/app/performance.csv?range=7&kind=experiment")).text();
    const [header, , variantRow] = csv.split("\r\n");
    expect(header).toContain("net_incremental_per_checkout");
    expect(variantRow).toMatch(new RegExp(`^${SMALL_PLAN.id},offers,no,6,4,2,0.5,`));
  });
});

describe("the checkout-completion guardrail", () => {
  const BREACH = { holdoutPercent: 40, variants: SMALL.variants };
  const PLAN = experimentPlan(ExperimentSettingsSchema.parse(BREACH));

  /** A logged-in buyer whom the assignment puts in the variant. */
  function variantCustomer(): { id: string; key: string } {
    for (let n = 0; ; n++) {
      const id = String(8_800 + n);
      const key = customerKey(TEST_SHOP, id);
      const { holdout } = assignVariant({
        experimentId: TEST_SHOP,
        unitKey: key,
        variants: [{ id: "offers", weight: 100 }],
        holdoutShare: 0.4,
      });
      if (!holdout) return { id, key };
    }
  }

  async function askOffers(customerId: string) {
    const token = await checkoutToken({ customerId });
    const body = { cart: { lines: [] }, locale: "en", surface: "checkout" };
    const response = await callRoute(offersAction, checkoutRequest("/api/checkout/offers", { token, body }));
    expect(response.status).toBe(200);
    return response.json();
  }

  it("pauses a variant whose shoppers complete fewer checkouts, which then sees no offers", async () => {
    await db().shop.update({
      where: { id: shopId },
      data: { settings: { maxOffers: 1, experiment: BREACH } },
    });
    await recordExperiment(db(), { shopId, plan: PLAN });
    // What the settings service does after saving an experiment: serving reads it again.
    await announceServingChange(TEST_SHOP);
    const shopper = variantCustomer();
    const before = await askOffers(shopper.id);
    expect(before.experiment).toEqual({ id: PLAN.id, variant: "offers" });
    expect(before.offers.length).toBeGreaterThan(0);

    // 600 per arm: the holdout converts 50%, the variant 25%.
    const units = (prefix: string) => Array.from({ length: 600 }, (_, i) => `${prefix}${i}`);
    await expose(PLAN.id, HOLDOUT, units("gh"), "gh");
    await expose(PLAN.id, "offers", units("gv"), "gv");
    const orders = [...units("gh").slice(0, 300), ...units("gv").slice(0, 150)].map((key) =>
      buildOrder({
        externalId: `g-${key}`,
        customerKey: key,
        orderedAt: sinceExposure(1),
        lines: [{ productId: POPULAR[2]! }],
      }),
    );
    await upsertOrderBatch(db(), { shopId, source: "shopify", orders });

    const paused = await checkExperimentGuardrail(db(), { shopDomain: TEST_SHOP });
    expect(paused).toEqual([
      expect.objectContaining({ variant: "offers", reason: expect.stringMatching(/^Paused:/) }),
    ]);
    // A second check pauses nothing more.
    expect(await checkExperimentGuardrail(db(), { shopDomain: TEST_SHOP })).toEqual([]);

    // The guardrail announces the pause: the shopper's next checkout sees it.
    const afterPause = await askOffers(shopper.id);
    expect(afterPause).toMatchObject({ offers: [], experiment: { id: PLAN.id, variant: "offers" } });

    const home = await (await callRoute(homeLoader, await adminRequest("/app", { shop: TEST_SHOP }))).json();
    expect(home.pausedArms).toEqual([expect.objectContaining({ variant: "offers" })]);
    const report = await experimentReport(db(), { shopDomain: TEST_SHOP, since: SINCE, until: UNTIL });
    expect(report.arms[1]).toMatchObject({ variant: "offers", paused: { variant: "offers" } });
    // The earlier configuration is still reported by its id, unpaused.
    const earlier = await experimentReport(db(), {
      shopDomain: TEST_SHOP,
      since: SINCE,
      until: UNTIL,
      experimentId: SMALL_PLAN.id,
    });
    expect(earlier.arms.map((arm) => [arm.variant, arm.checkouts, arm.paused])).toEqual([
      [HOLDOUT, 5, null],
      ["offers", 6, null],
    ]);
    const csv = await callRoute(
      csvLoader,
      await adminRequest(`/app/performance.csv?range=7&kind=experiment&experiment=${SMALL_PLAN.id}`, {
        shop: TEST_SHOP,
      }),
    );
    expect((await csv.text()).split("\r\n")[2]).toMatch(new RegExp(`^${SMALL_PLAN.id},offers,no,6,`));
  });
});

describe("what discounts add", () => {
  const MARGIN = {
    holdoutPercent: 20,
    variants: [
      { key: "discounted", share: 50, ranking: "model", discounts: true },
      { key: "plain", share: 50, ranking: "popularity", discounts: false },
    ],
  };
  const PLAN = experimentPlan(ExperimentSettingsSchema.parse(MARGIN));
  /** Its variant costs the merchant 4.00 a unit; the other's cost is unknown: 40% of its price is assumed. */
  const KNOWN = POPULAR[1]!;
  const UNKNOWN = POPULAR[2]!;
  const LATER = new Date(EXPOSED_AT.getTime() + 24 * HOUR);

  /** An offer of the product as the discounting arm served it an hour after the exposures. */
  const offerOf = (productId: string, { discountPercent = 0, experimentId = PLAN.id } = {}) =>
    signOfferToken({
      shopDomain: TEST_SHOP,
      productId,
      variantId: `${productId}1`,
      modelVersion: null,
      surface: "checkout",
      servedAt: new Date(sinceExposure(1)),
      discountPercent,
      experiment: { id: experimentId, variant: 0 },
    });

  /** A one-line order of an offered product, its variant named as Shopify names it. */
  const offerOrder = (
    customer: string,
    productId: string,
    line: { quantity?: number; refunded?: number; offerDiscount?: string; offerId?: string | null },
    order: Partial<Parameters<typeof buildOrder>[0]> = {},
  ) =>
    buildOrder({
      externalId: `m-${customer}-${order.externalId ?? productId}`,
      customerKey: customer,
      orderedAt: sinceExposure(2),
      ...order,
      lines: [
        {
          productId,
          variantId: `${productId}1`,
          unitPrice: "10.00",
          quantity: line.quantity ?? 1,
          currentQuantity: (line.quantity ?? 1) - (line.refunded ?? 0),
          offerId: line.offerId === undefined ? offerOf(productId) : line.offerId,
          offerDiscount: line.offerDiscount ?? null,
        },
      ],
    });

  it("compares the margin per shopper of an arm's offer purchases with and without discounts", async () => {
    await db().shop.update({
      where: { id: shopId },
      data: { settings: { maxOffers: 1, experiment: SMALL, discounts: { assumedCostPercent: 40 } } },
    });
    await recordExperiment(db(), { shopId, plan: PLAN });
    const product = await db().product.findUniqueOrThrow({
      where: { shopId_externalId: { shopId, externalId: KNOWN } },
      select: { id: true },
    });
    await db().variant.update({
      where: { productId_externalId: { productId: product.id, externalId: `${KNOWN}1` } },
      data: { unitCost: "4.00" },
    });
    const exposure = (unitKey: string, variant: string, noDiscounts: boolean, firstSeenAt = EXPOSED_AT) => ({
      shopId,
      experimentId: PLAN.id,
      unitKey,
      variant,
      customerKey: unitKey.startsWith("m-guest") ? null : unitKey,
      noDiscounts,
      firstSeenAt,
    });
    const slice = Array.from({ length: 30 }, (_, i) => `m-s${i}`);
    const discounted = Array.from({ length: 32 }, (_, i) => `m-d${i}`);
    await db().experimentExposure.createMany({
      data: [
        // The last ten of the slice come a day later: a window before them holds too few to compare.
        ...slice.map((unit, i) => exposure(unit, "discounted", true, i >= 20 ? LATER : EXPOSED_AT)),
        ...discounted.map((unit) => exposure(unit, "discounted", false)),
        // Guests, who cannot be followed to an order, and the other arms count on neither side.
        exposure("m-guest-1", "discounted", true),
        exposure("m-guest-2", "discounted", false),
        exposure("m-plain", "plain", false),
        exposure("m-holdout", HOLDOUT, false),
      ],
    });
    const discountedOffer = (productId: string) => offerOf(productId, { discountPercent: 10 });
    await upsertOrderBatch(db(), {
      shopId,
      source: "shopify",
      orders: [
        // The slice, at full price: 2 × 10 − 2 × 4.00 = 12; 10 − 40% of 10 = 6; 2 kept of 3: 20 − 8 = 12.
        offerOrder("m-s0", KNOWN, { quantity: 2 }),
        offerOrder("m-s1", UNKNOWN, {}),
        offerOrder("m-s2", KNOWN, { quantity: 3, refunded: 1 }),
        // Offered discounts: 20 − 2 − 8 = 10; 10 − 1 − 4 = 5; 1 kept of 2, whose discount is half
        // the line's: 10 − 1 − 4 = 5; 40 − 4 − 16 = 20.
        offerOrder("m-d0", KNOWN, { quantity: 2, offerDiscount: "2.00", offerId: discountedOffer(KNOWN) }),
        offerOrder("m-d1", UNKNOWN, { offerDiscount: "1.00", offerId: discountedOffer(UNKNOWN) }),
        offerOrder("m-d2", KNOWN, {
          quantity: 2,
          refunded: 1,
          offerDiscount: "2.00",
          offerId: discountedOffer(KNOWN),
        }),
        offerOrder("m-d3", UNKNOWN, {
          quantity: 4,
          offerDiscount: "4.00",
          offerId: discountedOffer(UNKNOWN),
        }),
        // Not the arm's offer purchases: another experiment's offer, an order before the exposure, a
        // cancelled one, a line added without an offer, a forged offer id; the guests' and other arms'.
        offerOrder("m-d4", KNOWN, { offerId: offerOf(KNOWN, { experimentId: SMALL_PLAN.id }) }),
        offerOrder("m-d5", KNOWN, {}, { orderedAt: sinceExposure(-1) }),
        offerOrder("m-d6", KNOWN, {}, { cancelledAt: sinceExposure(3) }),
        offerOrder("m-d7", KNOWN, { offerId: null }),
        offerOrder("m-d8", KNOWN, { offerId: "forged" }),
        offerOrder("m-plain", KNOWN, {}),
        offerOrder("m-holdout", KNOWN, {}),
      ],
    });

    const report = await experimentReport(db(), {
      shopDomain: TEST_SHOP,
      since: SINCE,
      until: UNTIL,
      experimentId: PLAN.id,
    });
    expect(report.arms.map((arm) => [arm.variant, arm.discountMargin === null])).toEqual([
      [HOLDOUT, true],
      ["discounted", false],
      ["plain", true],
    ]);
    const margin = report.arms[1]!.discountMargin!;
    // The slice: [12, 6, 12] and 27 zeros (mean 1, Σx² 324); offered discounts: [10, 5, 5, 20] and 28
    // zeros (mean 1.25, Σx² 550).
    expect(margin).toMatchObject({
      noDiscount: { shoppers: 30, purchases: 3, margin: 30, marginPerShopper: 1 },
      discounted: { shoppers: 32, purchases: 4, margin: 40, marginPerShopper: 1.25 },
      minimumShoppers: 30,
      costKnown: 4,
      assumedCostPercent: 40,
    });
    // Variances (Σx² − n·x̄²)/(n − 1): (324 − 30)/29 and (550 − 50)/31.
    const welch = welchTest(
      { n: 30, mean: 1, variance: 294 / 29 },
      { n: 32, mean: 1.25, variance: 500 / 31 },
    );
    expect(margin.added!.difference).toBeCloseTo(0.25, 10);
    expect(margin.added!.interval[0]).toBeCloseTo(welch.interval[0], 8);
    expect(margin.added!.interval[1]).toBeCloseTo(welch.interval[1], 8);
    // √(294/29/30 + 500/31/32) = 0.9176 on 58.4 degrees of freedom: 0.25 ± 2.0015 × 0.9176.
    expect(margin.added!.interval[0]).toBeCloseTo(-1.587, 2);
    expect(margin.added!.interval[1]).toBeCloseTo(2.087, 2);

    // Before the last ten of the slice came, it held 20 shoppers: too few to compare.
    const early = await experimentReport(db(), {
      shopDomain: TEST_SHOP,
      since: SINCE,
      until: new Date(LATER.getTime() - HOUR),
      experimentId: PLAN.id,
    });
    expect(early.arms[1]!.discountMargin).toMatchObject({
      noDiscount: { shoppers: 20, purchases: 3, margin: 30 },
      discounted: { shoppers: 32, purchases: 4 },
      added: null,
    });
  });
});
