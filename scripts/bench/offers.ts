/**
 * The checkout bench (docs/bench.md): the production server (server.mjs) over a synthetic shop of
 * 10,000 products, 100,000 customers and about 1,000,000 order lines with a live model, driven with
 * checkouts as the checkout extension sends them (an offers request, then the events batch for the
 * offers shown), half from logged-in customers. It measures the saturated checkout rate, then
 * checkouts arriving independently (Poisson) at half that rate, the same while a new model version
 * is promoted and while the shop trains in a worker process, and the server's CPU per checkout
 * against the request floor (an offers route that does all but the ranking) and a bare Node server.
 *
 *   npm run bench -- [--seconds 10] [--connections 32] [--lines 1000000] [--products 10000]
 *                    [--customers 100000] [--reuse <database>] [--keep] [--json <file>]
 *                    [--workers <server processes, default one per CPU>] [--train-nice <0-19>]
 *                    [--training-lead 5] [--profile <dir>]
 *
 * --reuse <database> seeds and trains it the first time, keeps it, and only serves it on later runs.
 */
import type { ChildProcess } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { freePort } from "../../test/helpers/app-server";
import { deleteKeys } from "../../test/helpers/redis-keys";
import { ADMIN_URL, API_KEY, API_SECRET, benchEnvironment } from "./bench-env";
import { checkoutUnits, type SignedCheckout } from "./checkouts";
import { driveClosedLoop, driveOpenLoop, type LoadResult, startServer, stopServer } from "./load";
import type { BenchRuns } from "./offers-report";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "32" },
    lines: { type: "string", default: "1000000" },
    products: { type: "string", default: "10000" },
    customers: { type: "string", default: "100000" },
    "customer-share": { type: "string", default: "0.5" },
    pool: { type: "string", default: "2000" },
    seed: { type: "string", default: "7" },
    reuse: { type: "string" },
    keep: { type: "boolean", default: false },
    json: { type: "string" },
    profile: { type: "string" },
    workers: { type: "string", default: String(availableParallelism()) },
    "train-nice": { type: "string" },
    "training-lead": { type: "string", default: "5" },
  },
});
const seconds = Number(values.seconds);
const seed = Number(values.seed);
const SHOP = "bench-offers.myshopify.com";
const { databaseName, databaseUrl, queuePrefix, serverEnv } = benchEnvironment({
  reuse: values.reuse,
  settings: {
    // server.mjs and the bare ceiling run the same number of worker processes
    WEB_CONCURRENCY: values.workers,
    // Each pooled token stands for many checkouts here, unlike a shopper's token, and every guest
    // comes from 127.0.0.1: the per-caller limits would refuse most of the load.
    OFFER_REQUESTS_PER_MINUTE: "1000000",
    OFFER_UNITS_PER_TOKEN: "1000000",
    OFFER_EVENTS_PER_MINUTE: "100000",
  },
});

const { db, disconnectDb } = await import("~/db.server");
const { env } = await import("~/env.server");
const { closeQueues } = await import("~/jobs/queues.server");
const { closeRequestRedis } = await import("~/redis.server");
const { closeServing } = await import("~/serving/serving.server");
const { ordersForLines } = await import("./offers-shop");
const { ensureBuild, isSeeded, seed: seedShop, signedCheckouts } = await import("./offers-setup");
const { ensureServableModels, promote } = await import("./bench-models");
const { startTraining } = await import("./training-worker");
const { report } = await import("./offers-report");

const shopSize = {
  shopDomain: SHOP,
  seed,
  products: Number(values.products),
  customers: Number(values.customers),
};

/** Asks for offers once per prepared checkout, in turn: every answer a 200, and customers recognised. */
async function checkAnswers(origin: string, pool: SignedCheckout[]) {
  const reasons = { guest: {} as Record<string, number>, customer: {} as Record<string, number> };
  let empty = 0;
  let holdout = 0;
  for (const request of pool.slice(0, 200)) {
    const response = await fetch(`${origin}/api/checkout/offers`, {
      method: "POST",
      headers: request.headers,
      body: request.body(),
    });
    const text = await response.text();
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
  if (pool.slice(0, 200).some((request) => request.customer) && personal === 0) {
    throw new Error("no customer got a personal offer: are their session tokens recognised?");
  }
}

/** A logged-in shopper's answer from the floor says how many lines of their history it read. */
async function checkFloor(origin: string, pool: SignedCheckout[]) {
  let historyLines = 0;
  for (const request of pool.filter((r) => r.customer).slice(0, 20)) {
    const response = await fetch(`${origin}/api/checkout/offers`, {
      method: "POST",
      headers: request.headers,
      body: request.body(),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`the floor answered ${response.status}: ${text.slice(0, 300)}`);
    historyLines += (JSON.parse(text) as { historyLines: number }).historyLines;
  }
  if (pool.some((r) => r.customer) && historyLines === 0)
    throw new Error("the floor read no customer's history");
}

/**
 * Poisson checkouts at `rate` while `candidate` is made live 1 s in: the largest latency of the
 * offers requests arriving from the promotion until 5 s after the last answer of the old version
 * (each server process picks the new one up at its next refresh, within RECOMMEND_REFRESH_MS).
 */
async function measurePromotion(
  target: Omit<Parameters<typeof driveOpenLoop>[0], "label">,
  { live, candidate }: { live: number; candidate: number },
): Promise<BenchRuns["promotion"]> {
  const answers: Array<{ at: number; ms: number; version: number | null }> = [];
  let measuredFrom = Number.POSITIVE_INFINITY;
  let promotedAt = Number.POSITIVE_INFINITY;
  let promoting = Promise.resolve();
  const runMs = 1000 + env().RECOMMEND_REFRESH_MS + 14_000;
  const run = await driveOpenLoop({
    ...target,
    label: `promotion of v${candidate} over v${live}`,
    seconds: runMs / 1000,
    onMeasure: (start) => {
      measuredFrom = start;
      promoting = sleep(1000).then(async () => {
        await promote(SHOP, candidate);
        promotedAt = performance.now();
      });
    },
    onTimed: (at, ms, answer) => {
      if (at < measuredFrom) return;
      answers.push({
        at,
        ms,
        version: (JSON.parse(answer.body) as { modelVersion: number | null }).modelVersion,
      });
    },
  });
  await promoting;
  const after = answers.filter((answer) => answer.at >= promotedAt);
  const lastOld = Math.max(promotedAt, ...after.filter((a) => a.version === live).map((a) => a.at));
  const firstNew = Math.min(...after.filter((a) => a.version === candidate).map((a) => a.at));
  const windowEnd = lastOld + 5000;
  if (!Number.isFinite(firstNew) || windowEnd > measuredFrom + runMs) {
    const since = (at: number) => Math.round(at - promotedAt);
    throw new Error(
      `v${candidate} was not served by every server process within the run: first served ` +
        `${since(firstNew)} ms after its promotion, v${live} last ${since(lastOld)} ms after, ` +
        `${Math.round(measuredFrom + runMs - promotedAt)} ms measured after it`,
    );
  }
  const inWindow = after.filter((answer) => answer.at <= windowEnd).map((answer) => answer.ms);
  return {
    ...run,
    windowMax: Math.round(Math.max(...inWindow) * 100) / 100,
    windowSeconds: Math.round((windowEnd - promotedAt) / 100) / 10,
    servedAfterMs: Math.round(firstNew - promotedAt),
  };
}

/** A server's log lines of errors, which say why checkouts fail. */
function printErrors(line: string) {
  if (Number(/"level":(\d+)/.exec(line)?.[1]) >= 50) console.error(line);
}

function checkFailures(runs: LoadResult[]) {
  for (const run of runs) {
    if (run.failed > run.units * 0.01) {
      throw new Error(`${run.label}: ${run.failed} checkouts failed (${JSON.stringify(run.failures)})`);
    }
  }
}

const servers: ChildProcess[] = [];
let stopTraining: (() => Promise<void>) | undefined;
try {
  const orders = ordersForLines(shopSize, Number(values.lines));
  // Migrated every run: a reused database may predate the latest migrations.
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  if (await isSeeded(SHOP)) console.error(`reusing the seeded database ${databaseName}`);
  else await seedShop({ ...shopSize, orders });
  const models = await ensureServableModels(SHOP);
  // The trainings the seeding queued would start with the training worker: that phase starts its own.
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
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
  const start = async (args: string[], settings: Record<string, string>) => {
    const port = await freePort();
    const server = await startServer({ args, env: settings, port, onLine: printErrors });
    servers.push(server);
    return { origin: `http://127.0.0.1:${port}`, serverPid: server.pid, server };
  };
  const closedLoop = { connections: Number(values.connections), seconds };
  const checkouts = (expectOffers: boolean, events: boolean) =>
    checkoutUnits({ pool, events, expectOffers, seed: seed + 2 });

  const setupSeconds = (performance.now() / 1000).toFixed(0);
  console.error(`set up in ${setupSeconds} s; serving live v${models.live}, v${models.candidate} to promote`);
  const app = await start([...profile, "server.mjs"], serverEnv);
  await checkAnswers(app.origin, pool);
  const served = { ...app, nextUnit: checkouts(true, true) };
  const saturated = await driveClosedLoop({ ...served, ...closedLoop, label: "checkouts at saturation" });
  const rate = Math.max(1, Math.round(saturated.perSecond / 2));
  const atRate = { ...served, rate, seconds, seed };
  const poisson = await driveOpenLoop({ ...atRate, label: `checkouts at ${rate}/s (Poisson)` });
  const promotion = await measurePromotion(atRate, models);

  const training = await startTraining({
    shopDomain: SHOP,
    env: { ...serverEnv, ...(values["train-nice"] ? { TRAIN_NICE: values["train-nice"] } : {}) },
  });
  stopTraining = training.stop;
  // A training first reads the shop's orders; the measure starts once it is fitting, as it mostly is.
  await sleep(Number(values["training-lead"]) * 1000);
  const whileTraining = await driveOpenLoop({ ...atRate, label: `checkouts at ${rate}/s while training` });
  await training.stop();
  await stopServer(app.server);

  const floorServer = await start(["--import", "tsx", "server.mjs"], {
    ...serverEnv,
    SERVER_BUILD: "scripts/bench/floor-build.ts",
  });
  await checkFloor(floorServer.origin, pool);
  const offersAlone = checkouts(false, false);
  const floor = await driveClosedLoop({
    ...floorServer,
    ...closedLoop,
    nextUnit: offersAlone,
    label: "request floor at saturation",
  });
  await stopServer(floorServer.server);

  const bareServer = await start(["scripts/bench/bare-server.mjs"], { WEB_CONCURRENCY: values.workers });
  const bare = await driveClosedLoop({
    ...bareServer,
    ...closedLoop,
    nextUnit: offersAlone,
    label: "bare http",
  });

  const runs = { saturated, poisson, promotion, training: whileTraining, floor, bare };
  report({ ...runs, artifactBytes: models.artifactBytes }, { offeredRate: rate, jsonFile: values.json });
  const loads = loadavg().map((n) => n.toFixed(2));
  console.log(`${values.workers} server processes; load average (1, 5, 15 min) after: ${loads.join(", ")}`);
  checkFailures(Object.values(runs));
} catch (error) {
  // Reported here: the TF.js WebAssembly backend loaded for training rethrows unhandled rejections itself.
  console.error(error);
  process.exitCode = 1;
} finally {
  await stopTraining?.();
  for (const server of servers) await stopServer(server);
  // The events the checkouts recorded: a reused database stays as it was seeded and trained.
  await db()
    .offerEvent.deleteMany({ where: { shop: { domain: SHOP } } })
    .catch(() => {});
  await closeQueues();
  // The promotion's announcement opened them: without closing, the bench would never exit.
  closeServing();
  closeRequestRedis();
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
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
