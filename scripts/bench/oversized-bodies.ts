/**
 * Checkout latency under oversized webhook bodies: the production server (server.mjs) over a seeded
 * shop, asked for offers at a fixed rate (Poisson arrivals, as in offers.ts) first alone, then while
 * `--clients` clients each send unsigned `--size-mb` MB bodies to /webhooks back to back, as fast as
 * the server lets them, from another process (oversized-sender.ts). Every body must be refused with 413 before it is read; the offers' p99
 * should barely move. Loopback only; each phase lasts `--seconds` (plus a 3 s warm-up).
 *
 *   npm run bench:oversized -- [--seconds 30] [--rate 100] [--clients 4] [--size-mb 50] [--chunked]
 *                              [--lines 50000] [--workers <server processes, default one per CPU>]
 *
 * --chunked sends the bodies without Content-Length (the server must stop reading at the limit)
 * instead of declaring their length (refused from the header alone).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { deleteKeys } from "../../test/helpers/redis-keys";
import { ADMIN_URL, API_KEY, API_SECRET, benchEnvironment } from "./bench-env";
import { checkoutUnits } from "./checkouts";
import { driveOpenLoop, printRuns, startServer, stopServer } from "./load";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    rate: { type: "string", default: "100" },
    clients: { type: "string", default: "4" },
    "size-mb": { type: "string", default: "50" },
    chunked: { type: "boolean", default: false },
    lines: { type: "string", default: "50000" },
    products: { type: "string", default: "1000" },
    customers: { type: "string", default: "5000" },
    seed: { type: "string", default: "7" },
    workers: { type: "string", default: String(availableParallelism()) },
  },
});
const seconds = Number(values.seconds);
const SHOP = "bench-oversized.myshopify.com";
const PORT = 4100 + Math.floor(Math.random() * 100);
const { databaseName, databaseUrl, queuePrefix, serverEnv } = benchEnvironment({
  settings: {
    WEB_CONCURRENCY: values.workers,
    // Each pooled token stands for many checkouts here, unlike a shopper's (see offers.ts).
    OFFER_REQUESTS_PER_MINUTE: "1000000",
    OFFER_UNITS_PER_TOKEN: "1000000",
  },
});

const { db, disconnectDb } = await import("~/db.server");
const { closeQueues } = await import("~/jobs/queues.server");
const { ordersForLines, seedBenchShop } = await import("./offers-shop");
const { ensureBuild, signedCheckouts } = await import("./offers-setup");

interface SenderStats {
  bodies: number;
  statuses: Record<string, number>;
  failures: number;
  /** mean time from the first byte sent to the answer */
  meanMs: number;
  /** bytes sent before the answers came, per body on average */
  meanSentMb: number;
}

/** The senders (oversized-sender.ts) in their own process; `stop` ends them and gives their counts. */
function startSenders(): { stop: () => Promise<SenderStats> } {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/bench/oversized-sender.ts",
      `--url=http://127.0.0.1:${PORT}/webhooks/orders/create`,
      `--shop=${SHOP}`,
      `--clients=${values.clients}`,
      `--size-mb=${values["size-mb"]}`,
      ...(values.chunked ? ["--chunked"] : []),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += String(chunk);
  });
  const exited = once(child, "exit");
  return {
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
      return JSON.parse(output) as SenderStats;
    },
  };
}

let app: ChildProcess | undefined;
try {
  const shopSize = {
    shopDomain: SHOP,
    seed: Number(values.seed),
    products: Number(values.products),
    customers: Number(values.customers),
  };
  const orders = ordersForLines(shopSize, Number(values.lines));
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  const seeded = await seedBenchShop({ ...shopSize, orders });
  console.error(`seeded ${seeded.lines} lines, ${seeded.orders} orders (offers from popularity, no model)`);
  ensureBuild();

  const pool = await signedCheckouts({
    ...shopSize,
    orders,
    count: 500,
    customerShare: 0.5,
    apiKey: API_KEY,
    secret: API_SECRET,
  });

  app = await startServer({ args: ["server.mjs"], env: serverEnv, port: PORT });
  const offers = {
    origin: `http://127.0.0.1:${PORT}`,
    nextUnit: checkoutUnits({ pool, events: false, expectOffers: true, seed: Number(values.seed) }),
    rate: Number(values.rate),
    seconds,
    seed: Number(values.seed),
    serverPid: app.pid,
  };
  const alone = await driveOpenLoop({ ...offers, label: `offers at ${values.rate} req/s alone` });
  const senders = startSenders();
  const loaded = await driveOpenLoop({
    ...offers,
    label: `offers at ${values.rate} req/s, ${values.clients} clients sending ${values["size-mb"]} MB bodies`,
  });
  const sent = await senders.stop();
  const stored = await db().webhookDelivery.count();

  const results = [alone, loaded];
  printRuns(results);
  console.log(
    `oversized bodies: ${sent.bodies} answered (${JSON.stringify(sent.statuses)}), ${sent.failures} failed; ` +
      `${sent.meanMs} ms and ${sent.meanSentMb} MB sent per body on average; ${stored} deliveries stored`,
  );
  console.log(JSON.stringify({ results, oversized: sent, stored, options: values }));
  if (stored > 0 || Object.keys(sent.statuses).some((status) => status !== "413")) {
    throw new Error("an oversized body was answered otherwise than 413, or stored");
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await stopServer(app);
  await closeQueues();
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
  await disconnectDb();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}
