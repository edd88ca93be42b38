import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { enqueue } from "~/jobs/queues.server";
import { action as offersAction } from "~/routes/api.checkout.offers";
import { loader as homeLoader } from "~/routes/app._index";
import { action as modelsAction, loader as modelsLoader } from "~/routes/app.models";
import { loader as performanceLoader } from "~/routes/app.performance";
import { loader as csvLoader } from "~/routes/app.performance[.csv]";
import { loader as previewLoader } from "~/routes/app.preview";
import { action as privacyAction, loader as privacyLoader } from "~/routes/app.privacy";
import { loader as productSearchLoader } from "~/routes/app.product-search";
import { action as settingsAction, loader as settingsLoader } from "~/routes/app.settings";
import { loader as statusLoader } from "~/routes/app.status";
import { registerModel } from "~/services/model-registry.server";
import { offerReport } from "~/services/offer-report.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { simulateOfferActivity } from "~/services/simulate-offer-activity.server";
import { announceServingChange } from "~/serving/serving.server";
import { adminRequest } from "../helpers/admin";
import { isolateIntegration } from "../helpers/integration";
import { callRoute } from "../helpers/routes";
import { checkoutRequest, checkoutToken } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

isolateIntegration();

let shopId: string;
beforeAll(async () => {
  await seedDemoShop(db(), {
    seed: 9,
    synthetic: { orders: 800, customers: 150, products: 60 },
    scopes: "read_orders",
  });
  shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
}, 60_000);

async function get(loader: Parameters<typeof callRoute>[0], path: string) {
  const response = await callRoute(loader, await adminRequest(path, { shop: DEMO_SHOP }));
  expect(response.status).toBe(200);
  return response;
}

async function post(action: Parameters<typeof callRoute>[0], path: string, form: Array<[string, string]>) {
  const response = await callRoute(action, await adminRequest(path, { shop: DEMO_SHOP, form }));
  expect(response.status).toBe(200);
  return response.json();
}

describe("the home page and its status", () => {
  it("shows the import's result and the training the import queued, to poll while it waits", async () => {
    const home = await (await get(homeLoader, "/app")).json();
    expect(home.storeHandle).toBe("demo-shop");
    expect(home.summary.orders).toBeGreaterThan(500);
    expect(home.status.import).toMatchObject({ kind: "csv", status: "completed" });
    expect(home.status.training.state).toBe("queued");
    expect(home.status.busy).toBe(true);
    expect(home.status.liveModel).toBeNull();

    const status = await get(statusLoader, "/app/status");
    expect(status.headers.get("Cache-Control")).toBe("no-store");
    expect((await status.json()).training.state).toBe("queued");
  });
  it("marks the offers step done only once a checkout block asks for offers, not for offer events or previews", async () => {
    // Offer events alone (as the demo's simulated activity writes them) place no block.
    await db().offerEvent.create({
      data: {
        shopId,
        offerId: "simulated-offer",
        productId: "1",
        surface: "checkout",
        type: "impression",
        occurredAt: new Date(),
      },
    });
    expect((await (await get(homeLoader, "/app")).json()).offersFirstRequestedAt).toBeNull();
    await get(previewLoader, "/app/preview");
    expect((await (await get(homeLoader, "/app")).json()).offersFirstRequestedAt).toBeNull();

    const token = await checkoutToken({ shop: DEMO_SHOP });
    const body = { cart: { lines: [] }, locale: "en", surface: "checkout" };
    const before = Date.now();
    const asked = await callRoute(offersAction, checkoutRequest("/api/checkout/offers", { token, body }));
    expect(asked.status).toBe(200);
    const first = await waitFor(async () => {
      const home = await (await get(homeLoader, "/app")).json();
      return home.offersFirstRequestedAt ?? undefined;
    }, 5_000);
    expect(new Date(first).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    // Later requests keep the first time.
    await callRoute(offersAction, checkoutRequest("/api/checkout/offers", { token, body }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await (await get(homeLoader, "/app")).json()).offersFirstRequestedAt).toBe(first);
    await db().offerEvent.deleteMany({ where: { shopId } });
  });

  it("reports a running history import with the progress its job reported", async () => {
    const run = await db().importRun.create({
      data: { shopId, kind: "bulk", status: "running", stage: "orders", processed: 1_200 },
    });
    const job = await enqueue(
      "bulk-import",
      { shopDomain: DEMO_SHOP, importRunId: run.id },
      { jobId: `bulk-${run.id}` },
    );
    await job.updateProgress({ stage: "orders", processed: 40, total: 160 });
    const status = await (await get(statusLoader, "/app/status")).json();
    expect(status.import).toMatchObject({
      kind: "bulk",
      status: "running",
      stage: "orders",
      processed: 1_200,
      stageProcessed: 40,
      stageTotal: 160,
    });
    expect(status.busy).toBe(true);
    await db().importRun.update({
      where: { id: run.id },
      data: { status: "completed", finishedAt: new Date() },
    });
  });
});

describe("the settings page", () => {
  it("refuses invalid settings field by field, and saves valid ones over the stored ones", async () => {
    const { settings } = await (await get(settingsLoader, "/app/settings")).json();
    expect(settings.maxOffers).toBe(3);

    const refused = await post(settingsAction, "/app/settings", [
      ["maxOffers", "11"],
      ["discounts.maxPercent", "10"],
      ["discounts.defaultPercent", "12"],
    ]);
    expect(refused).toEqual({
      ok: false,
      errors: {
        maxOffers: "Must be at most 10",
        "discounts.defaultPercent": "Must not be above the largest discount",
      },
    });

    const saved = await post(settingsAction, "/app/settings", [
      ["maxOffers", "1"],
      ["surfaces.sent", "1"],
      ["surfaces", "thank-you"],
      ["excludedTags", "Clearance"],
    ]);
    expect(saved.ok).toBe(true);
    const stored = await db().shop.findUniqueOrThrow({ where: { id: shopId } });
    expect(stored.settings).toMatchObject({
      maxOffers: 1,
      surfaces: ["thank-you"],
      excludedTags: ["Clearance"],
      enabled: true,
      discounts: { maxPercent: 15 },
    });
  });
});

describe("the settings page's product search", () => {
  it("finds the shop's products by any part of their title, in any case", async () => {
    const product = await db().product.findFirstOrThrow({ where: { shopId }, orderBy: { id: "asc" } });
    const words = product.title.split(" ");
    const part = words[words.length - 1]!.slice(1).toUpperCase();
    const search = async (q: string) =>
      (await (await get(productSearchLoader, `/app/product-search?q=${encodeURIComponent(q)}`)).json())
        .products as Array<{ id: string; title: string }>;
    const found = await search(part);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(10);
    expect(found.every((match) => match.title.toUpperCase().includes(part))).toBe(true);
    expect(await search(product.title)).toContainEqual({ id: product.externalId, title: product.title });
    // Nothing typed finds nothing; a typed wildcard is matched as itself, not as "anything".
    expect(await search("")).toEqual([]);
    for (const wildcard of ["%", "_"]) {
      const matches = await search(wildcard);
      expect(matches.every((match) => match.title.includes(wildcard))).toBe(true);
    }
  });
});

describe("the models page", () => {
  const model = (ndcg: number) => ({
    metrics: { queries: 100, ndcg, ndcgStdErr: 0.01, hitRate: 0.4, recall: 0.3 },
    params: {},
    window: {
      from: new Date("2026-01-01"),
      to: new Date("2026-10-01"),
      orders: 800,
      products: 60,
      customers: 150,
    },
    trainSeconds: 1,
    bytes: new Uint8Array([1, 2, 3]),
  });

  it("tells one story of the live model: its card, its badge and its note agree", async () => {
    await registerModel(db(), { shopId, keep: 10, model: model(0.2) });
    const page = await (await get(modelsLoader, "/app/models")).json();
    expect(page.versions).toMatchObject([{ version: 1, status: "live" }]);
    expect(page.liveModel).toMatchObject({ version: 1, metrics: { ndcg: 0.2 } });
    expect(page.status.liveModel).toMatchObject({ version: 1 });
    // The note tells why the version went live, not that no model is live.
    expect(page.versions[0].decisionNote).toMatch(
      /^Promoted with no live model to compare with: NDCG 0\.2000/,
    );
    await db().modelVersion.deleteMany({ where: { shopId } });
  });

  it("lists versions with their metrics and restores a retired one", async () => {
    await registerModel(db(), { shopId, keep: 10, model: model(0.2) });
    await registerModel(db(), { shopId, keep: 10, model: model(0.25) });
    const page = await (await get(modelsLoader, "/app/models")).json();
    expect(
      page.versions.map((v: { version: number; status: string; restorable: boolean }) => v),
    ).toMatchObject([
      { version: 2, status: "live", restorable: false, metrics: { ndcg: 0.25 } },
      { version: 1, status: "retired", restorable: true, dataFrom: "2026-01-01T00:00:00.000Z" },
    ]);

    expect(
      await post(modelsAction, "/app/models", [
        ["intent", "restore"],
        ["version", "1"],
      ]),
    ).toEqual({
      intent: "restore",
      version: 1,
      ok: true,
      message: "Version 1 is live again. Checkout switches to it within seconds.",
    });
    const live = await db().modelVersion.findFirstOrThrow({ where: { shopId, status: "live" } });
    expect(live.version).toBe(1);
    expect(
      await post(modelsAction, "/app/models", [
        ["intent", "restore"],
        ["version", "7"],
      ]),
    ).toEqual({
      intent: "restore",
      ok: false,
      message: "demo-shop.myshopify.com has no model version 7.",
    });
    expect((await post(modelsAction, "/app/models", [["intent", "rm -rf"]])).ok).toBe(false);
    // Back to no model, so the other tests serve popular products.
    await db().modelVersion.deleteMany({ where: { shopId } });
  });

  it("queues a training on request", async () => {
    expect(await post(modelsAction, "/app/models", [["intent", "retrain"]])).toMatchObject({ ok: true });
  });
});

describe("the performance page", () => {
  it("shows per-day figures that add up to the offer report's, and exports them as CSV", async () => {
    await db().shop.update({ where: { id: shopId }, data: { settings: {} } });
    // Written directly, not through the settings service: announced as every writer does.
    await announceServingChange(DEMO_SHOP);
    const simulated = await simulateOfferActivity(db(), { days: 10, checkoutsPerDay: 15, seed: 3 });
    expect(simulated.orders).toBeGreaterThan(0);

    const page = await (await get(performanceLoader, "/app/performance?range=7")).json();
    const { totals, days } = page.performance;
    expect(days).toHaveLength(7);
    const since = new Date(`${days[0].day}T00:00:00Z`);
    const report = await offerReport(db(), { shopDomain: DEMO_SHOP, since });
    const sum = (field: "impressions" | "purchases") =>
      days.reduce((total: number, day: Record<string, number>) => total + (day[field] ?? 0), 0);
    expect(sum("impressions")).toBe(totals.impressions);
    expect(sum("purchases")).toBe(totals.purchases);
    // What the discounts cost, from the orders' allocations, adds up the same way.
    const discountCents = days.reduce(
      (total: number, day: { discountCost: string }) => total + Math.round(Number(day.discountCost) * 100),
      0,
    );
    expect(discountCents).toBe(Math.round(Number(totals.discountCost) * 100));
    expect(discountCents).toBeGreaterThan(0);
    expect(totals.impressions).toBe(report.rows.reduce((total, row) => total + row.impressions, 0));
    expect(totals.purchases).toBeGreaterThan(0);
    expect(page.performance.currency).toBe("USD");
    // The simulated checkouts go through the experiment: the card shows both arms, nothing paused.
    expect(page.experiment.experimentId).not.toBeNull();
    expect(
      page.experiment.arms.map((arm: { variant: string; paused: unknown }) => [arm.variant, arm.paused]),
    ).toEqual([
      ["holdout", null],
      ["default", null],
    ]);

    const thankYou = await (
      await get(performanceLoader, "/app/performance?range=7&surface=thank-you")
    ).json();
    expect(thankYou.performance.totals.impressions).toBeLessThan(totals.impressions);
    expect(thankYou.performance.rows.every((row: { surface: string }) => row.surface === "thank-you")).toBe(
      true,
    );

    const bad = await (
      await get(performanceLoader, "/app/performance?range=custom&from=2026-11-10&to=2026-11-01")
    ).json();
    expect(bad.problem).toBe("The first day must not be after the last day");

    const csv = await get(csvLoader, "/app/performance.csv?range=7&kind=days");
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Content-Disposition")).toMatch(/^attachment; filename="offers-days-.*\.csv"$/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("date,impressions,clicks,adds,purchases,take_rate,revenue,discount_cost,currency");
    expect(lines).toHaveLength(8);
    // Rates to four decimals and money to cents, as a spreadsheet should show them.
    const dayCells = lines.slice(1).map((line) => line.split(","));
    expect(dayCells.some((cells) => Number(cells[5]) > 0)).toBe(true);
    for (const cells of dayCells) {
      expect(cells[5]).toMatch(/^(0|1|0\.\d{1,4})?$/);
      expect(cells[6]).toMatch(/^\d+\.\d{2}$/);
    }
    const products = await (await get(csvLoader, "/app/performance.csv?range=7&kind=products")).text();
    const [productHeader, ...productLines] = products.trimEnd().split("\r\n");
    expect(productHeader).toMatch(
      /^product_id,title,model_version,surface,.*,click_rate,take_rate,revenue,discount_cost,currency$/,
    );
    expect(productLines.length).toBeGreaterThan(0);
    for (const line of productLines) {
      // Titles may be quoted with commas; the numbers are the last columns.
      const cells = line.split(",").slice(-5);
      expect(cells[0]).toMatch(/^(0|1|0\.\d{1,4})?$/);
      expect(cells[1]).toMatch(/^(0|1|0\.\d{1,4})?$/);
      expect(cells[2]).toMatch(/^\d+\.\d{2}$/);
      expect(cells[3]).toMatch(/^\d+\.\d{2}$/);
    }
  });
});

describe("the data and privacy page", () => {
  it("lists data requests and erases the customer of an order with all their orders", async () => {
    const order = await db().order.findFirstOrThrow({ where: { shopId, customerKey: { not: null } } });
    await db().customerDataRequest.create({
      data: { id: randomUUID(), shopId, customerKey: order.customerKey!, report: {} },
    });
    const page = await (await get(privacyLoader, "/app/privacy")).json();
    expect(page.dataRequests).toHaveLength(1);

    const before = await db().order.count({ where: { shopId, customerKey: order.customerKey } });
    const result = await post(privacyAction, "/app/privacy", [
      ["intent", "erase"],
      ["orderNumber", order.externalId],
    ]);
    expect(result).toEqual({
      ok: true,
      message: `Erased the customer of order ${order.externalId}: ${before} orders, with their offer events. The next model is trained without them.`,
    });
    expect(await db().order.count({ where: { shopId, customerKey: order.customerKey } })).toBe(0);
    expect(await db().offerEvent.count({ where: { shopId, customerKey: order.customerKey } })).toBe(0);
    expect(await db().customerRedaction.count({ where: { shopId, customerKey: order.customerKey! } })).toBe(
      1,
    );
    expect((await (await get(privacyLoader, "/app/privacy")).json()).dataRequests).toEqual([]);

    expect(
      await post(privacyAction, "/app/privacy", [
        ["intent", "erase"],
        ["orderNumber", "nope"],
      ]),
    ).toEqual({
      ok: false,
      message: "No order nope in this shop.",
    });
  });
});
