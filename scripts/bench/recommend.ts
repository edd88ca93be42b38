/**
 * recommend() latency on a synthetic shop in a scratch database: the popularity fallback before any
 * model, then the live model after a training, for guests (no history to read) and for known
 * customers (their last 50 orders read from Postgres per call), each over N calls with random carts.
 * Calls are sequential, timed in process, after a warm-up.
 *
 *   npm run bench:recommend -- [--calls 3000] [--orders 12000] [--seed 7]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { deleteKeys } from "../../test/helpers/redis-keys";

const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "3000" },
    orders: { type: "string", default: "12000" },
    seed: { type: "string", default: "7" },
  },
});
const calls = Number(values.calls);
const orders = Number(values.orders);
const seed = Number(values.seed);
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const suffix = randomBytes(4).toString("hex");
const databaseName = `cua_bench_${suffix}`;
const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${databaseName}`);
const queuePrefix = `cua-bench-${suffix}`;

// Set before the app's modules read the environment.
process.env.DATABASE_URL = databaseUrl;
process.env.QUEUE_PREFIX = queuePrefix;
process.env.LOG_LEVEL ??= "warn";
process.env.CUSTOMER_KEY_SECRET ??= "bench-customer-key-secret";

const { db, disconnectDb } = await import("~/db.server");
const { closeQueues } = await import("~/jobs/queues.server");
const { logger } = await import("~/logger.server");
const { recommend } = await import("~/services/recommend.server");
const { DEMO_SHOP, seedDemoShop } = await import("~/services/seed-demo-shop.server");
const { trainShopModel } = await import("~/services/train-shop-model.server");
const { createRng } = await import("~ml");

/** Removes the jobs the seeding queued (its import requests a training). */
async function deleteQueueKeys() {
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function phase(
  label: string,
  {
    shoppers,
    products,
    guestShare,
    expectModel,
  }: { shoppers: string[]; products: string[]; guestShare: number; expectModel: boolean },
) {
  const rng = createRng(seed);
  const pick = <T>(items: T[]) => items[Math.floor(rng() * items.length)]!;
  const request = () => ({
    shopDomain: DEMO_SHOP,
    customerKey: rng() < guestShare ? null : pick(shoppers),
    cart: Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(products)),
    k: 4,
  });
  for (let i = 0; i < 200; i++) await recommend(db(), request());
  const times: number[] = [];
  let offers = 0;
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    const result = await recommend(db(), request());
    times.push(performance.now() - started);
    offers += result.offers.length;
    if ((result.modelVersion !== null) !== expectModel) throw new Error(`${label}: unexpected model version`);
  }
  times.sort((a, b) => a - b);
  return {
    label,
    calls,
    p50: +percentile(times, 50).toFixed(3),
    p95: +percentile(times, 95).toFixed(3),
    p99: +percentile(times, 99).toFixed(3),
    max: +times.at(-1)!.toFixed(3),
    offersPerCall: +(offers / calls).toFixed(2),
  };
}

try {
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  const seeded = await seedDemoShop(db(), { seed, synthetic: { orders }, scopes: "read_orders" });
  const shopId = (await db().shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP } })).id;
  const keys = await db().order.findMany({
    where: { shopId, customerKey: { not: null } },
    distinct: ["customerKey"],
    select: { customerKey: true },
  });
  const shoppers = keys.map((row) => row.customerKey!);
  const products = (await db().product.findMany({ where: { shopId }, select: { externalId: true } })).map(
    (row) => row.externalId,
  );

  const fallback = await phase("popularity fallback", {
    shoppers,
    products,
    guestShare: 0.5,
    expectModel: false,
  });
  const trained = await trainShopModel(db(), {
    shopDomain: DEMO_SHOP,
    reason: "manual",
    log: logger(),
    keep: 10,
  });
  const version = await db().modelVersion.findFirstOrThrow({
    where: { shopId, status: "live" },
    include: { artifact: { select: { sizeBytes: true } } },
  });
  // The first request after a promotion starts the refresh that loads the model; wait for it.
  for (
    let i = 0;
    (await recommend(db(), { shopDomain: DEMO_SHOP, cart: [], k: 1 })).modelVersion === null;
    i++
  ) {
    if (i > 100) throw new Error("the live model was not loaded");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const guests = await phase(`v${trained.version}, guests`, {
    shoppers,
    products,
    guestShare: 1,
    expectModel: true,
  });
  const customers = await phase(`v${trained.version}, customers`, {
    shoppers,
    products,
    guestShare: 0,
    expectModel: true,
  });
  const results = [fallback, guests, customers];
  console.table(results);
  console.log(
    JSON.stringify({
      shop: {
        orders: seeded.orders,
        lines: seeded.lines,
        products: seeded.products,
        customers: shoppers.length,
      },
      model: {
        version: trained.version,
        status: trained.status,
        trainSeconds: version.trainSeconds,
        artifactBytes: version.artifact?.sizeBytes,
        metrics: version.metrics,
      },
      results,
    }),
  );
} finally {
  await closeQueues();
  await deleteQueueKeys();
  await disconnectDb();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}
