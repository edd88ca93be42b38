/**
 * Webhook acknowledgement latency: the production server (npm run build) on a scratch database,
 * N signed orders/create deliveries, timed from the sender's side. Sequential first (latency
 * unloaded), then with several in flight. Afterwards every delivery must be recorded.
 *
 *   npm run bench:webhooks -- [--deliveries 1000] [--concurrency 8]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { webhookFixture } from "../../test/fixtures/webhooks";
import { sendWebhook } from "../../test/helpers/shopify";

const { values } = parseArgs({
  options: { deliveries: { type: "string", default: "1000" }, concurrency: { type: "string", default: "8" } },
});
const deliveries = Number(values.deliveries);
const concurrency = Number(values.concurrency);
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SECRET = "bench-api-secret";
const PORT = 3900 + Math.floor(Math.random() * 90);
const SHOP = "bench-shop.myshopify.com";
const suffix = randomBytes(4).toString("hex");
const databaseName = `cua_bench_${suffix}`;
const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${databaseName}`);
const order = webhookFixture("orders-create");

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function deliver(id: number): Promise<number> {
  const payload = { ...order, id };
  const started = performance.now();
  const status = await sendWebhook(`http://127.0.0.1:${PORT}`, {
    topic: "orders/create",
    payload,
    shop: SHOP,
    secret: SECRET,
  });
  if (status !== 200) throw new Error(`delivery ${id} answered ${status}`);
  return performance.now() - started;
}

async function phase(label: string, ids: number[], inFlight: number) {
  const times: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < ids.length) times.push(await deliver(ids[next++]!));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    label,
    deliveries: ids.length,
    inFlight,
    p50: +percentile(times, 50).toFixed(2),
    p95: +percentile(times, 95).toFixed(2),
    p99: +percentile(times, 99).toFixed(2),
    max: +times.at(-1)!.toFixed(2),
    perSecond: Math.round(ids.length / seconds),
  };
}

let server: ChildProcess | undefined;
try {
  if (!existsSync("build/server/index.js")) throw new Error("Run npm run build first.");
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  server = spawn("node_modules/.bin/node", ["server.mjs"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(PORT),
      DATABASE_URL: databaseUrl,
      QUEUE_PREFIX: `cua-bench-${suffix}`,
      SHOPIFY_API_SECRET: SECRET,
      CUSTOMER_KEY_SECRET: "bench-customer-key-secret",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; ; i++) {
    const up = await fetch(`http://127.0.0.1:${PORT}/webhooks/orders/create`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (i > 200) throw new Error("server did not start");
    await sleep(100);
  }
  await phase(
    "warm-up",
    Array.from({ length: 50 }, (_, i) => 1_000_000 + i),
    1,
  );
  const ids = Array.from({ length: deliveries }, (_, i) => i + 1);
  const results = [
    await phase("sequential", ids, 1),
    await phase(
      `${concurrency} in flight`,
      ids.map((id) => id + deliveries),
      concurrency,
    ),
  ];
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query(`SELECT count(*)::int AS n FROM "WebhookDelivery"`);
  await client.end();
  console.table(results);
  console.log(JSON.stringify({ results, recorded: rows[0].n, expected: 2 * deliveries + 50 }));
  if (rows[0].n !== 2 * deliveries + 50) throw new Error("some deliveries were not recorded");
} finally {
  server?.kill("SIGTERM");
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}
