/**
 * The checkout latency budget: POST /api/checkout/offers on the production server (server.mjs) over
 * a shop of 10,000 products, 100,000 customers and about 1,000,000 order lines with a live model,
 * asked with signed checkout session tokens (guests and logged-in customers) and carts taken from
 * the shop's orders: at a fixed 500 req/s as independent (Poisson) arrivals, which the latency goal
 * is measured on, and in autocannon's bursty rate mode for comparison; then at saturation with
 * autocannon. The request floor, the same server and requests with an offers route that does all but
 * the offers (scripts/bench/floor-build.ts), says how much of the gap to the ceiling is ranking. A
 * bare Node http server driven the same way gives the machine's ceiling.
 *
 *   npm run bench -- [--seconds 20] [--rate 500] [--connections 32] [--customer-share 0.5]
 *                    [--lines 1000000] [--keep] [--reuse <database>] [--profile <dir>]
 *                    [--workers <server processes, default one per CPU>]
 *
 * --keep leaves the scratch database; --reuse <database> seeds and trains it the first time, keeps
 * it, and only serves it on later runs (under 2 minutes). --customer-share is the share of requests
 * from logged-in customers (their history is read per request). --profile writes the server's CPU
 * profile (node --cpu-prof) there.
 */
import type { ChildProcess } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { deleteKeys } from "../../test/helpers/redis-keys";
import { ADMIN_URL, API_KEY, API_SECRET, benchEnvironment } from "./bench-env";
import { drive, driveOpenLoop, type LoadResult, startServer, stopServer } from "./load";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    rate: { type: "string", default: "500" },
    "rate-connections": { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    lines: { type: "string", default: "1000000" },
    products: { type: "string", default: "10000" },
    customers: { type: "string", default: "100000" },
    "customer-share": { type: "string", default: "0.5" },
    pool: { type: "string", default: "2000" },
    seed: { type: "string", default: "7" },
    reuse: { type: "string" },
    keep: { type: "boolean", default: false },
    profile: { type: "string" },
    workers: { type: "string", default: String(availableParallelism()) },
  },
});
const seconds = Number(values.seconds);
const SHOP = "bench-offers.myshopify.com";
const APP_PORT = 3900 + Math.floor(Math.random() * 40);
const BARE_PORT = APP_PORT + 50;
const FLOOR_PORT = APP_PORT + 100;
const { databaseName, databaseUrl, queuePrefix, serverEnv } = benchEnvironment({
  reuse: values.reuse,
  settings: {
    // server.mjs and the bare ceiling run the same number of worker processes
    WEB_CONCURRENCY: values.workers,
    // Each pooled token stands for many checkouts here (one per request), unlike a shopper's token:
    // the per-caller limits would refuse most of the load.
    OFFER_REQUESTS_PER_MINUTE: "1000000",
    OFFER_UNITS_PER_TOKEN: "1000000",
  },
});

const { disconnectDb } = await import("~/db.server");
const { closeQueues } = await import("~/jobs/queues.server");
const { ordersForLines } = await import("./offers-shop");
const { ensureBuild, isSeeded, seedAndTrain, signedCheckouts } = await import("./offers-setup");
type SignedCheckout = import("./offers-setup").SignedCheckout;

const shopSize = {
  shopDomain: SHOP,
  seed: Number(values.seed),
  products: Number(values.products),
  customers: Number(values.customers),
};

/** Asks for offers once per prepared request, in turn: every answer a 200, and customers recognised. */
async function checkAnswers(pool: SignedCheckout[]) {
  const reasons = { guest: {} as Record<string, number>, customer: {} as Record<string, number> };
  let empty = 0;
  let holdout = 0;
  let slowestAnswerMs = 0;
  for (const request of pool.slice(0, 200)) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${APP_PORT}/api/checkout/offers`, {
      method: "POST",
      headers: request.headers,
      body: request.body(),
    });
    const text = await response.text();
    // The first answer that ranks waits for the shop's model to be read and decoded.
    slowestAnswerMs = Math.max(slowestAnswerMs, Math.round(performance.now() - started));
    if (response.status !== 200) throw new Error(`offers answered ${response.status}: ${text.slice(0, 300)}`);
    const answer = JSON.parse(text) as {
      offers: Array<{ reasonKind: string }>;
      modelVersion: number | null;
      experiment: { variant: string } | null;
    };
    // The experiment's holdout (10% of checkouts by default) is shown nothing.
    if (answer.experiment?.variant === "holdout") {
      holdout++;
      continue;
    }
    if (answer.modelVersion === null) throw new Error("offers came from the fallback, not the live model");
    if (answer.offers.length === 0) empty++;
    const counts = reasons[request.customer ? "customer" : "guest"];
    for (const offer of answer.offers) counts[offer.reasonKind] = (counts[offer.reasonKind] ?? 0) + 1;
  }
  if (empty > 20) throw new Error(`${empty} of 200 checkouts got no offers`);
  if (holdout > 50) throw new Error(`${holdout} of 200 checkouts fell in the experiment's holdout`);
  const personal = (reasons.customer["bought-before"] ?? 0) + (reasons.customer["your-taste"] ?? 0);
  const customers = pool.slice(0, 200).some((request) => request.customer);
  if (customers && personal === 0) {
    throw new Error("no customer got a personal offer: are their session tokens recognised?");
  }
  return { slowestAnswerMs, empty, holdout, reasons };
}

/** Removes the jobs the seeding queued (its import requests a training). */
async function deleteQueueKeys() {
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
}

function failures(result: LoadResult) {
  return result.non2xx + result.errors + result.timeouts + result.mismatches;
}

/** A logged-in shopper's answer from the floor says how many lines of their history it read. */
async function checkFloor(url: string, pool: SignedCheckout[]) {
  let historyLines = 0;
  for (const request of pool.filter((r) => r.customer).slice(0, 20)) {
    const response = await fetch(url, { method: "POST", headers: request.headers, body: request.body() });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`the floor answered ${response.status}: ${text.slice(0, 300)}`);
    historyLines += (JSON.parse(text) as { historyLines: number }).historyLines;
  }
  if (pool.some((r) => r.customer) && historyLines === 0)
    throw new Error("the floor read no customer's history");
}

let app: ChildProcess | undefined;
let floor: ChildProcess | undefined;
let bare: ChildProcess | undefined;
try {
  const orders = ordersForLines(shopSize, Number(values.lines));
  // Migrated every run: a reused database may predate the latest migrations.
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  const shop = (await isSeeded(SHOP)) ? null : await seedAndTrain({ ...shopSize, orders });
  if (!shop) console.error(`reusing the seeded database ${databaseName}`);
  ensureBuild();

  const pool = await signedCheckouts({
    ...shopSize,
    orders,
    count: Number(values.pool),
    customerShare: Number(values["customer-share"]),
    apiKey: API_KEY,
    secret: API_SECRET,
  });

  const profile = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [];
  app = await startServer({ args: [...profile, "server.mjs"], env: serverEnv, port: APP_PORT });
  const checked = await checkAnswers(pool);
  const url = `http://127.0.0.1:${APP_PORT}/api/checkout/offers`;
  // Bodies over 1 KB come gzipped (the pool accepts it, as browsers do) and only one with offers is
  // that long: a body is empty when it starts with an empty list, which is right for the holdout alone.
  const offers = {
    url,
    pool,
    serverPid: app.pid,
    verifyBody: (body: string) => !body.startsWith('{"offers":[]') || body.includes('"variant":"holdout"'),
  };
  const saturated = { connections: Number(values.connections), seconds };
  const loadBefore = loadavg();
  await drive({ ...offers, ...saturated, label: "warm-up", seconds: 5 });
  // The goal's measure: checkouts arriving independently at the rate (Poisson), as in a shop.
  const atRate = await driveOpenLoop({
    ...offers,
    label: `offers at ${values.rate} req/s (Poisson arrivals)`,
    rate: Number(values.rate),
    seconds,
    seed: Number(values.seed),
  });
  // autocannon's rate mode, for comparison: each connection's share of a second back to back.
  const atRateInBursts = await drive({
    ...offers,
    label: `offers at ${values.rate} req/s (autocannon, bursts)`,
    connections: Number(values["rate-connections"]),
    seconds,
    overallRate: Number(values.rate),
  });
  const atSaturation = await drive({ ...offers, ...saturated, label: "offers at saturation" });
  await stopServer(app);

  floor = await startServer({
    args: [...profile, "--import", "tsx", "server.mjs"],
    env: { ...serverEnv, SERVER_BUILD: "scripts/bench/floor-build.ts" },
    port: FLOOR_PORT,
  });
  const floorTarget = {
    url: `http://127.0.0.1:${FLOOR_PORT}/api/checkout/offers`,
    pool,
    serverPid: floor.pid,
    verifyBody: (body: string) => body.startsWith('{"offers":[]'),
  };
  await checkFloor(floorTarget.url, pool);
  await drive({ ...floorTarget, ...saturated, label: "warm-up", seconds: 3 });
  const floorResult = await drive({ ...floorTarget, ...saturated, label: "request floor at saturation" });
  await stopServer(floor);

  bare = await startServer({
    args: ["scripts/bench/bare-server.mjs"],
    env: { WEB_CONCURRENCY: values.workers },
    port: BARE_PORT,
  });
  const ceiling = {
    url: `http://127.0.0.1:${BARE_PORT}/`,
    pool,
    verifyBody: () => true,
    serverPid: bare.pid,
  };
  await drive({ ...ceiling, ...saturated, label: "warm-up", seconds: 3 });
  const bareResult = await drive({ ...ceiling, ...saturated, label: "bare http at saturation" });
  const loadAfter = loadavg();

  const results = [atRate, atRateInBursts, atSaturation, floorResult, bareResult];
  const ratio = +(atSaturation.perSecond / bareResult.perSecond).toFixed(3);
  const floorRatio = +(floorResult.perSecond / bareResult.perSecond).toFixed(3);
  const goals = {
    // Met only at the offered rate: a server that falls behind has not served it.
    p99AtRate: {
      goal: `p99 <= 20 ms at ${values.rate} req/s`,
      value: atRate.p99,
      holds: atRate.p99 <= 20 && atRate.perSecond >= 0.95 * Number(values.rate),
    },
    saturated: { goal: "saturated >= 25% of bare", value: ratio, holds: ratio >= 0.25 },
  };
  console.table(
    results.map((result) => ({
      label: result.label,
      p50: result.p50,
      p95: result.p95,
      p99: result.p99,
      max: result.max,
      "req/s": result.perSecond,
      "server CPU ms/req": result.serverCpuMs,
      "sender late p99": result.senderLateP99,
      requests: result.requests,
      failed: result.non2xx + result.errors + result.mismatches,
    })),
  );

  console.log(`saturated / bare: ${(ratio * 100).toFixed(1)}%`);
  console.log(`request floor (no ranking) / bare: ${(floorRatio * 100).toFixed(1)}%`);
  if (atRate.perSecond < 0.95 * Number(values.rate)) {
    console.log(`the server kept up with ${atRate.perSecond} of the ${values.rate} req/s offered`);
  }
  for (const goal of Object.values(goals))
    console.log(`${goal.holds ? "holds" : "MISSED"}: ${goal.goal} (${goal.value})`);
  const loads = (values: number[]) => values.map((n) => n.toFixed(2)).join(", ");
  console.log(`load average (1, 5, 15 min): before ${loads(loadBefore)}; after ${loads(loadAfter)}`);
  console.log(
    JSON.stringify({
      shop,
      database: values.reuse ? databaseName : undefined,
      checked,
      results,
      ratio,
      floorRatio,
      goals,
      workers: Number(values.workers),
      loadavg: { before: loadBefore, after: loadAfter },
    }),
  );
  for (const result of results) {
    if (failures(result) > result.requests * 0.01) {
      throw new Error(`${result.label}: ${failures(result)} of ${result.requests} requests failed`);
    }
  }
} catch (error) {
  // Reported here: the TF.js WebAssembly backend loaded for training rethrows unhandled rejections itself.
  console.error(error);
  process.exitCode = 1;
} finally {
  await stopServer(app);
  await stopServer(floor);
  await stopServer(bare);
  await closeQueues();
  await deleteQueueKeys();
  await disconnectDb();
  if (values.reuse || values.keep) {
    console.error(`kept the database ${databaseName} (npm run bench -- --reuse ${databaseName})`);
  } else {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  }
}
