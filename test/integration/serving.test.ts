import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { queue } from "~/jobs/queues.server";
import { customerKey } from "~/lib/customer-key.server";
import { replaceCollectionProducts } from "~/models/collection-products.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { redactCustomer } from "~/services/privacy.server";
import { trainingJobId } from "~/services/request-training.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { updateShopSettings } from "~/services/update-shop-settings.server";
import { type RankRequest, rankOffers } from "~/serving/rank-offers.server";
import { announceServingChange, servingState, setServingClock } from "~/serving/serving.server";
import { csvTextOf } from "~ml";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { waitFor } from "../helpers/wait";

const context = isolateIntegration();

// Serving's clock stands still unless a test moves it: nothing here is refreshed by time passing,
// so every change a test expects served must have been announced.
let now = Date.now();
setServingClock(() => now);
afterAll(() => setServingClock(Date.now));

const SYNTHETIC = { orders: 1_500, customers: 300, products: 120 };
let shopId: string;

beforeAll(async () => {
  await seedDemoShop(db(), { seed: 5, synthetic: SYNTHETIC, scopes: "read_orders" });
  shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
}, 60_000);

/** What this process serves a shopper's checkout of the demo shop. */
async function ask({
  customerKey = null,
  cart,
  k,
  ranking = "model",
}: Partial<Pick<RankRequest, "customerKey" | "ranking">> & { cart: string[]; k: number }) {
  const state = await servingState(DEMO_SHOP);
  if (!state) throw new Error("the demo shop is not served");
  return rankOffers(state, { customerKey, cart, k, ranking, caller: "checkout", historyBefore: null });
}
const ids = (offers: Array<{ productId: string }>) => offers.map((offer) => offer.productId);

// Rows written directly, then announced as the products webhook and the settings page do.
async function setProduct(externalId: string, data: { status?: string; available?: boolean }) {
  await db().product.update({ where: { shopId_externalId: { shopId, externalId } }, data });
  await announceServingChange(DEMO_SHOP);
}

async function setSettings(settings: Record<string, unknown>) {
  await db().shop.update({ where: { id: shopId }, data: { settings: settings as object } });
  await announceServingChange(DEMO_SHOP);
}

const setExcluded = (excludedProductIds: string[]) => setSettings({ excludedProductIds });

/** Orders per product over the 90 days before the shop's last order, computed here from the rows. */
async function mostOrderedRecently(): Promise<string[]> {
  const last = await db().order.aggregate({ where: { shopId }, _max: { orderedAt: true } });
  const since = new Date(last._max.orderedAt!.getTime() - 90 * 86_400_000);
  const orders = await db().order.findMany({
    where: { shopId, orderedAt: { gte: since }, cancelledAt: null, test: false },
    select: { lines: { select: { productId: true, quantity: true, refundedQuantity: true } } },
  });
  const counts = new Map<string, number>();
  for (const order of orders) {
    const bought = new Set(
      order.lines.filter((l) => l.quantity > l.refundedQuantity).map((l) => l.productId!),
    );
    for (const id of bought) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

describe("without a live model", () => {
  it("offers the most ordered products of the shop's last 90 days, minus the cart, exclusions and drafts", async () => {
    const popular = await mostOrderedRecently();
    const first = await ask({ cart: [], k: 4 });
    expect(first).toEqual({
      modelVersion: null,
      demoted: [],
      offers: popular.slice(0, 4).map((productId) => ({
        productId,
        reasonKind: "popular",
        reasonProductId: null,
        reasonProductTitle: null,
        product: expect.objectContaining({
          productId,
          variantId: expect.any(String),
          price: expect.any(String),
        }),
      })),
    });

    const [inCart, draft, excluded, ...rest] = popular;
    await setProduct(draft!, { status: "DRAFT" });
    await setExcluded([excluded!]);
    expect(ids((await ask({ cart: [inCart!], k: 4 })).offers)).toEqual(rest.slice(0, 4));
    await setProduct(draft!, { status: "ACTIVE" });
    await setExcluded([]);
  });
});

describe("with a live model", () => {
  beforeAll(async () => {
    // A promotion announces itself: the next checkout is ranked by the new model.
    await trainLiveModel(DEMO_SHOP);
    expect((await ask({ cart: [], k: 1 })).modelVersion).toBe(1);
  }, 120_000);

  it("never offers what is in the cart, excluded by the merchant, unpublished or sold out", async () => {
    const cart = [(await mostOrderedRecently())[0]!];
    const before = await ask({ cart, k: 8 });
    expect(before.modelVersion).toBe(1);
    expect(ids(before.offers)).not.toContain(cart[0]);
    const [draft, soldOut, excluded] = ids(before.offers);
    await setProduct(draft!, { status: "DRAFT" });
    await setProduct(soldOut!, { available: false });
    await setExcluded([excluded!]);
    const unwanted = [draft!, soldOut!, excluded!, cart[0]!];
    const after = await ask({ cart, k: 8 });
    expect(ids(after.offers).filter((id) => unwanted.includes(id))).toEqual([]);
    expect(after.offers).toHaveLength(8);
    await setProduct(draft!, { status: "ACTIVE" });
    await setProduct(soldOut!, { available: true });
    await setExcluded([]);
  });

  it("never offers a product of a collection the merchant excluded", async () => {
    const cart = [(await mostOrderedRecently())[0]!];
    const before = ids((await ask({ cart, k: 8 })).offers);
    const inCollection = [before[0]!, before[3]!];
    await replaceCollectionProducts(db(), { shopId, collectionId: "4400000001", productIds: inCollection });
    await setSettings({ excludedCollectionIds: ["4400000001"] });
    const after = ids((await ask({ cart, k: 8 })).offers);
    expect(after.filter((id) => inCollection.includes(id))).toEqual([]);
    expect(after).toHaveLength(8);
    await db().collectionProduct.deleteMany({});
    await setSettings({});
  });

  it("offers exactly maxOffers when the merchant's exclusions remove the model's favourites", async () => {
    const cart = [(await mostOrderedRecently())[4]!];
    const ranked = ids((await ask({ cart, k: 24 })).offers);
    expect(ranked).toHaveLength(24);
    // The model's 24 favourites for this cart: half excluded by id, half by a tag.
    await db().product.updateMany({
      where: { shopId, externalId: { in: ranked.slice(12) } },
      data: { tags: ["Final sale"] },
    });
    const saved = await updateShopSettings(db(), {
      shopDomain: DEMO_SHOP,
      input: { maxOffers: 4, excludedProductIds: ranked.slice(0, 12), excludedTags: [" final sale"] },
    });
    expect(saved.ok).toBe(true);
    const state = await servingState(DEMO_SHOP);
    expect(state?.settings.maxOffers).toBe(4);
    const offered = ids((await ask({ cart, k: state!.settings.maxOffers })).offers);
    expect(offered).toHaveLength(4);
    expect(offered.filter((id) => ranked.includes(id) || cart.includes(id))).toEqual([]);
    await db().product.updateMany({ where: { shopId, externalId: { in: ranked } }, data: { tags: [] } });
    await setSettings({});
  });

  it("ranks by the shop's recent orders for an experiment variant that asks for popularity", async () => {
    await setSettings({
      experiment: {
        variants: [
          { key: "model", share: 50, ranking: "model", discounts: true },
          { key: "popular", share: 50, ranking: "popularity", discounts: true },
        ],
      },
    });
    const popular = await mostOrderedRecently();
    const byPopularity = await ask({ cart: [popular[0]!], k: 4, ranking: "popularity" });
    expect(byPopularity.modelVersion).toBeNull();
    expect(ids(byPopularity.offers)).toEqual(popular.slice(1, 5));
    expect(byPopularity.offers.every((offer) => offer.reasonKind === "popular")).toBe(true);
    expect((await ask({ cart: [], k: 4, ranking: "model" })).modelVersion).toBe(1);
    await setExcluded([]);
  });

  it("counts a new order at the customer's next checkout", async () => {
    const rawId = "C100042";
    const key = customerKey(DEMO_SHOP, rawId);
    const cart = [(await mostOrderedRecently())[1]!];
    const before = await ask({ customerKey: key, cart, k: 6 });
    const bought = before.offers.at(-1)!.productId;
    async function* newOrder() {
      yield "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";
      yield `NEW-1,${rawId},${bought},1,9.00,${new Date().toISOString()},,`;
    }
    await importOrderCsv(db(), { shopDomain: DEMO_SHOP, csv: csvTextOf(newOrder()) });
    const after = await ask({ customerKey: key, cart, k: 6 });
    expect(after.offers).not.toEqual(before.offers);
    expect(after.offers.find((offer) => offer.productId === bought)?.reasonKind).toBe("bought-before");
  });

  it("forgets a customer's history as soon as they are redacted", async () => {
    const cart = [(await mostOrderedRecently())[2]!];
    const guest = await ask({ cart, k: 6 });
    const customers = await db().order.findMany({
      where: { shopId, customerKey: { not: null } },
      distinct: ["customerKey"],
      select: { customerKey: true },
      take: 50,
    });
    let personal: { key: string; offers: unknown } | undefined;
    for (const { customerKey: key } of customers) {
      const result = await ask({ customerKey: key, cart, k: 6 });
      if (JSON.stringify(result.offers) !== JSON.stringify(guest.offers)) {
        personal = { key: key!, offers: result.offers };
        break;
      }
    }
    expect(personal, "some customer's history changes their offers").toBeDefined();
    await db().$transaction((tx) => redactCustomer(tx, { shopId, customerKey: personal!.key, orderIds: [] }));
    expect(await ask({ customerKey: personal!.key, cart, k: 6 })).toEqual(guest);
  });

  it("keeps serving and asks for a training when the live model cannot be read", async () => {
    const cart = [(await mostOrderedRecently())[3]!];
    const before = await ask({ cart, k: 6 });
    const live = await db().modelVersion.findFirstOrThrow({ where: { shopId, status: "live" } });
    // Earlier tests' imports queued a training; this one must be asked for by serving.
    await (await queue("train").getJob(trainingJobId(DEMO_SHOP)))?.remove();
    // What a release that changed the artifact layout finds: a live version it cannot decode.
    const { id: _id, version, status: _status, ...fields } = live;
    await db().modelVersion.update({ where: { id: live.id }, data: { status: "retired" } });
    const unreadable = await db().modelVersion.create({
      data: {
        ...fields,
        params: fields.params as object,
        metrics: fields.metrics as object,
        version: version + 100,
        status: "live",
        artifact: { create: { bytes: new Uint8Array(64), sizeBytes: 64 } },
      },
    });
    try {
      // The trainer that promoted it announces it, as every promotion does.
      await announceServingChange(DEMO_SHOP);
      // Checkouts go on with the model already decoded while the reload asks for a training.
      expect(await ask({ cart, k: 6 })).toEqual(before);
      const job = await waitFor(async () => queue("train").getJob(trainingJobId(DEMO_SHOP)), 5_000);
      expect(job.data).toMatchObject({ shopDomain: DEMO_SHOP, reason: "outdated" });
      expect(await ask({ cart, k: 6 })).toEqual(before);
    } finally {
      await db().modelVersion.delete({ where: { id: unreadable.id } });
      await db().modelVersion.update({ where: { id: live.id }, data: { status: "live" } });
      await announceServingChange(DEMO_SHOP);
    }
  });
});

describe("a shop's state across processes", () => {
  const SHOP_CHANGED = `${context.queuePrefix}:serving-changed`;

  /** Settings written by another process, which this one has not heard of. */
  async function settingsChangedElsewhere(maxOffers: number) {
    await db().shop.update({ where: { id: shopId }, data: { settings: { maxOffers } } });
  }

  it("keeps serving its state until another process announces a change on Redis", async () => {
    const before = await servingState(DEMO_SHOP);
    expect(before?.settings.maxOffers).toBe(3);
    const publisher = new Redis(context.redisUrl);
    try {
      await settingsChangedElsewhere(7);
      // Nothing announced and the clock not moved: the state this process holds is served as it is.
      expect(await servingState(DEMO_SHOP)).toBe(before);
      expect(await servingState(DEMO_SHOP)).toBe(before);

      // What reaches Redis from the process that wrote the change.
      await publisher.publish(SHOP_CHANGED, `${DEMO_SHOP} another-process`);
      const after = await waitFor(async () => {
        const state = await servingState(DEMO_SHOP);
        return state?.settings.maxOffers === 7 ? state : undefined;
      }, 5_000);
      expect(after.shopId).toBe(before?.shopId);
    } finally {
      publisher.disconnect();
      await setSettings({});
    }
  });

  it("refreshes a state older than RECOMMEND_REFRESH_MS in the background, serving the old one meanwhile", async () => {
    const before = await servingState(DEMO_SHOP);
    expect(before?.settings.maxOffers).toBe(3);
    try {
      await settingsChangedElsewhere(6);
      now += env().RECOMMEND_REFRESH_MS - 1;
      expect(await servingState(DEMO_SHOP)).toBe(before);

      now += 1;
      // The checkout that finds the state old does not wait for the refresh it starts.
      expect(await servingState(DEMO_SHOP)).toBe(before);
      const after = await waitFor(async () => {
        const state = await servingState(DEMO_SHOP);
        return state?.settings.maxOffers === 6 ? state : undefined;
      }, 5_000);
      expect(after).not.toBe(before);
    } finally {
      await setSettings({});
    }
  });
});
