import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { SegmentSnapshotSchema } from "~/lib/segments";
import { claimSegmentRefresh } from "~/models/customer-segments.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { DEMO_SHOP, seedDemoShop } from "~/services/seed-demo-shop.server";
import { shopSegments } from "~/services/shop-segments.server";
import { buildOrder } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";
import { trainLiveModel } from "../helpers/models";
import { waitFor } from "../helpers/wait";

isolateIntegration();

const DAY_MS = 86_400_000;

async function stored(shopId: string) {
  const shop = await db().shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { segmentSnapshot: true },
  });
  return shop.segmentSnapshot === null ? null : SegmentSnapshotSchema.parse(shop.segmentSnapshot);
}

/** A recent order of a new customer, spending `amount`. */
function recentOrder(n: number, amount: string) {
  return buildOrder({
    externalId: `recent-${n}`,
    customerKey: customerKey(DEMO_SHOP, String(7_400_000_000_000 + n)),
    orderedAt: new Date(Date.now() - DAY_MS).toISOString(),
    lines: [{ productId: "8000000000001", unitPrice: amount }],
  });
}

describe("a shop's stored segments", () => {
  let shopId: string;

  beforeAll(async () => {
    await seedDemoShop(db(), {
      seed: 3,
      synthetic: { orders: 600, customers: 120, products: 40 },
      scopes: "read_orders",
    });
    shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
  }, 60_000);

  it("are computed from the orders on first use, stored, and read back as they are", async () => {
    expect(await stored(shopId)).toBeNull();
    const first = await shopSegments(db(), { shopId, fileCatalog: false, stored: null });
    const customers = await db().order.findMany({
      where: { shopId, customerKey: { not: null } },
      distinct: ["customerKey"],
      select: { customerKey: true },
    });
    const { returning, vip, lapsing, lapsed } = first.sizes;
    expect(returning + vip + lapsing + lapsed).toBe(customers.length);
    expect(await stored(shopId)).toEqual(first);
    // Orders since do not move the stored thresholds or sizes on their own.
    await upsertOrderBatch(db(), { shopId, source: "shopify", orders: [recentOrder(1, "30.00")] });
    expect(await shopSegments(db(), { shopId, fileCatalog: false, stored: await stored(shopId) })).toEqual(
      first,
    );
  });

  it("are recomputed with each training", async () => {
    const before = (await stored(shopId))!;
    await upsertOrderBatch(db(), {
      shopId,
      source: "shopify",
      orders: [2, 3, 4].map((n) => recentOrder(n, "25.00")),
    });
    await trainLiveModel(DEMO_SHOP);
    const after = (await stored(shopId))!;
    expect(Date.parse(after.computedAt)).toBeGreaterThan(Date.parse(before.computedAt));
    // The four recent customers of these tests now count, as returning or VIP.
    expect(after.sizes.returning + after.sizes.vip).toBe(before.sizes.returning + before.sizes.vip + 4);
  }, 120_000);

  it("are recomputed by one process in the background once over a day old, serving the old ones meanwhile", async () => {
    const current = (await stored(shopId))!;
    const old = { ...current, computedAt: new Date(Date.now() - 2 * DAY_MS).toISOString() };
    await db().shop.update({ where: { id: shopId }, data: { segmentSnapshot: old } });
    const served = await shopSegments(db(), { shopId, fileCatalog: false, stored: old });
    expect(served).toEqual(old);
    await waitFor(
      async () => Date.parse((await stored(shopId))!.computedAt) > Date.parse(current.computedAt),
    );
    // A claim keeps other processes from recomputing the same shop meanwhile.
    expect(await claimSegmentRefresh(db(), { shopId, forMs: 60_000 })).toBe(true);
    expect(await claimSegmentRefresh(db(), { shopId, forMs: 60_000 })).toBe(false);
  });
});
