/**
 * Recovery from a Redis that restarts empty under a running worker: the production server (npm
 * run build) and a worker against a private redis-server on a free loopback port and a scratch
 * database; N signed orders/create deliveries, Redis killed after `--kill-after` of them and
 * restarted empty after `--restart-after`. Reports how many deliveries were acknowledged and
 * processed, and how long the backlog took to drain, with neither process restarted.
 *
 *   npm run bench:redis-restart -- [--deliveries 500] [--kill-after 150] [--restart-after 350] [--timeout 300]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { webhookFixture } from "../../test/fixtures/webhooks";
import { freePort, PrivateRedis } from "../../test/helpers/redis-server";
import { sendWebhook } from "../../test/helpers/shopify";
import { startServer, stopServer } from "./load";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "500" },
    "kill-after": { type: "string", default: "150" },
    "restart-after": { type: "string", default: "350" },
    concurrency: { type: "string", default: "8" },
    timeout: { type: "string", default: "300" },
  },
});
const deliveries = Number(values.deliveries);
const killAfter = Number(values["kill-after"]);
const restartAfter = Number(values["restart-after"]);
const concurrency = Number(values.concurrency);
const timeoutMs = Number(values.timeout) * 1000;
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const SECRET = "bench-api-secret";
const SHOP = "bench-shop.myshopify.com";
const suffix = randomBytes(4).toString("hex");
const databaseName = `cua_bench_${suffix}`;
const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${databaseName}`);
const order = webhookFixture("orders-create");

async function deliver(port: number, id: number): Promise<number> {
  const payload = { ...order, id };
  return sendWebhook(`http://127.0.0.1:${port}`, {
    topic: "orders/create",
    payload,
    shop: SHOP,
    secret: SECRET,
  });
}

/** Sends deliveries `from`..`to` (inclusive), `concurrency` in flight, and returns their statuses. */
async function send(port: number, from: number, to: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next <= to) statuses.push(await deliver(port, next++));
    }),
  );
  return statuses;
}

/** Starts `npm run worker` and resolves once its workers listen. */
function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/worker.server.ts"], {
    env: { ...process.env, ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"workers started"')) resolve(child);
      // Keep only the tail: the worker logs every recreated scheduler and failed job afterwards.
      output = output.slice(-200);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before starting`)));
  });
}

const redis = new PrivateRedis(await freePort());
let server: ChildProcess | undefined;
let worker: ChildProcess | undefined;
const client = new pg.Client({ connectionString: databaseUrl });
try {
  if (!existsSync("build/server/index.js")) throw new Error("Run npm run build first.");
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  await client.connect();
  await redis.start();
  const env = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: `cua-bench-${suffix}`,
    SHOPIFY_API_SECRET: SECRET,
    CUSTOMER_KEY_SECRET: "bench-customer-key-secret",
  };
  const port = await freePort();
  server = await startServer({ args: ["server.mjs"], env: { ...env, LOG_LEVEL: "warn" }, port });
  worker = await startWorker(env);

  const started = performance.now();
  const statuses = await send(port, 1, killAfter);
  await redis.stop();
  const killedAt = performance.now();
  statuses.push(...(await send(port, killAfter + 1, restartAfter)));
  await redis.start();
  const restartedAt = performance.now();
  statuses.push(...(await send(port, restartAfter + 1, deliveries)));
  const sentAt = performance.now();

  const processed = async () =>
    (await client.query(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE status = 'processed'`))
      .rows[0].n as number;
  let done = await processed();
  while (done < deliveries && performance.now() - restartedAt < timeoutMs) {
    await sleep(250);
    done = await processed();
  }
  const drainedAt = performance.now();
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const result = {
    deliveries,
    acknowledged: statuses.filter((status) => status === 200).length,
    processed: done,
    pending: deliveries - done,
    outageSeconds: seconds(restartedAt - killedAt),
    sendSeconds: seconds(sentAt - started),
    drainedSecondsAfterRestart: done === deliveries ? seconds(drainedAt - restartedAt) : null,
    drainedSecondsAfterLastDelivery: done === deliveries ? seconds(drainedAt - sentAt) : null,
  };
  console.table([result]);
  console.log(JSON.stringify(result));
  if (done < deliveries) {
    console.error(`${deliveries - done} deliveries still pending ${values.timeout} s after the restart.`);
    process.exitCode = 1;
  }
} finally {
  await stopServer(worker);
  await stopServer(server);
  await redis.stop();
  await client.end().catch(() => {});
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}
