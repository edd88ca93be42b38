/**
 * Serving while training: the production server (server.mjs) takes checkouts' offers and events
 * requests, mixed, arriving independently (Poisson) at a fixed rate, first alone and then with a
 * training job running in a worker process (`WORKER_QUEUES=train`) on the same machine, retrained
 * back to back for the whole phase. It reports each path's latency as the server logs it (from
 * the request to the answer written) and as the sender sees it, for both phases. Loopback only.
 *
 *   npm run bench:training-load -- [--seconds 20] [--rate 200] [--events-share 0.5]
 *        [--lines 200000] [--products 2000] [--customers 20000] [--pool 1000]
 *        [--workers <server processes, default one per CPU>] [--train-nice <0-19>] [--training-lead 10]
 *        [--keep] [--reuse <database>]
 *
 * SERVER_BUILD=<path to a server build> serves another build (the build of another commit, say);
 * --train-nice sets the training worker's TRAIN_NICE (0: the priority of the server, as before
 * it existed); --training-lead waits that many seconds into the first training before measuring
 * (it reads the shop's orders first). --reuse <database> seeds the shop the first time, keeps it,
 * and serves it later on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { availableParallelism, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { createRng } from "~ml";
import { ensureDatabase, migrate } from "../../app/db/migrate.server";
import { deleteKeys } from "../../test/helpers/redis-keys";
import { ADMIN_URL, API_KEY, API_SECRET, benchEnvironment } from "./bench-env";
import {
  driveOpenLoop,
  type LoadResult,
  type PreparedRequest,
  processTreeCpuSeconds,
  startServer,
  stopServer,
  summarize,
} from "./load";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "20" },
    rate: { type: "string", default: "200" },
    "events-share": { type: "string", default: "0.5" },
    lines: { type: "string", default: "200000" },
    products: { type: "string", default: "2000" },
    customers: { type: "string", default: "20000" },
    "customer-share": { type: "string", default: "0.5" },
    pool: { type: "string", default: "1000" },
    seed: { type: "string", default: "7" },
    workers: { type: "string", default: String(availableParallelism()) },
    "train-nice": { type: "string" },
    "training-lead": { type: "string", default: "10" },
    reuse: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const SHOP = "bench-training-load.myshopify.com";
const PORT = 4000 + Math.floor(Math.random() * 40);
const OFFERS_PATH = "/api/checkout/offers";
const EVENTS_PATH = "/api/checkout/events";
const { databaseName, databaseUrl, queuePrefix, serverEnv } = benchEnvironment({
  reuse: values.reuse,
  // The server logs each request with its time; those lines are the server-side latencies.
  logLevel: "info",
  settings: {
    WEB_CONCURRENCY: values.workers,
    // Every guest comes from 127.0.0.1: the per-address limit would refuse most of the events.
    OFFER_EVENTS_PER_MINUTE: "100000",
  },
});

const { db, disconnectDb } = await import("~/db.server");
const { closeQueues, ensureQueued } = await import("~/jobs/queues.server");
const { signOfferToken } = await import("~/lib/offer-token.server");
const { trainingJobId } = await import("~/services/request-training.server");
const { ordersForLines } = await import("./offers-shop");
const { ensureBuild, isSeeded, seedAndTrain, signedCheckouts } = await import("./offers-setup");

const shopSize = {
  shopDomain: SHOP,
  seed: Number(values.seed),
  products: Number(values.products),
  customers: Number(values.customers),
};

/**
 * Offers and events requests of the shop's checkouts, in the share asked: an events request
 * reports an impression (and sometimes a click) of an offer of a product of its cart, with a
 * freshly signed offer id, as the extension does after showing offers.
 */
async function mixedRequests(url: string): Promise<PreparedRequest[]> {
  const checkouts = await signedCheckouts({
    ...shopSize,
    orders: ordersForLines(shopSize, Number(values.lines)),
    count: Number(values.pool),
    customerShare: Number(values["customer-share"]),
    apiKey: API_KEY,
    secret: API_SECRET,
  });
  const rng = createRng(Number(values.seed) + 2);
  return checkouts.map((checkout) => {
    if (rng() >= Number(values["events-share"])) return { ...checkout, url: `${url}${OFFERS_PATH}` };
    const product = (
      JSON.parse(checkout.body()) as { cart: { lines: Array<{ productId: string }> } }
    ).cart.lines[0]!.productId.split("/").pop()!;
    const clicks = rng() < 0.2;
    return {
      headers: checkout.headers,
      url: `${url}${EVENTS_PATH}`,
      body: () => {
        const offerId = signOfferToken({
          shopDomain: SHOP,
          productId: product,
          modelVersion: null,
          surface: "checkout",
        });
        const types = clicks ? ["impression", "click"] : ["impression"];
        return JSON.stringify({ events: types.map((type) => ({ type, offerId, surface: "checkout" })) });
      },
    };
  });
}

/** Offers answers as the offers bench checks them; events answers with every event accepted. */
function verifyBody(body: string) {
  if (body.startsWith('{"accepted"')) return body.includes('"rejected":0');
  return !body.startsWith('{"offers":[]') || body.includes('"variant":"holdout"');
}

/** The server's request log lines of a measured run: milliseconds by path. */
function serverTimes() {
  const byPath = new Map<string, number[]>();
  let measuring = false;
  return {
    onLine(line: string) {
      if (!measuring || !line.includes('"msg":"request"')) return;
      const entry = JSON.parse(line) as { path: string; ms: number; status: number };
      if (entry.status < 200 || entry.status >= 300) return;
      const times = byPath.get(entry.path) ?? [];
      times.push(entry.ms);
      byPath.set(entry.path, times);
    },
    measure(on: boolean) {
      measuring = on;
      if (on) byPath.clear();
    },
    summary() {
      return Object.fromEntries(
        [...byPath].map(([path, times]) => [
          path,
          { requests: times.length, ...summarize(times, times.length) },
        ]),
      );
    },
  };
}

/** A worker process serving the train queue, as `WORKER_QUEUES=train npm run worker` starts it. */
async function startTrainingWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/worker.server.ts"], {
    env: {
      ...process.env,
      ...serverEnv,
      NODE_ENV: "development",
      WORKER_QUEUES: "train",
      ...(values["train-nice"] === undefined ? {} : { TRAIN_NICE: values["train-nice"] }),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the training worker exited with ${code}`);
  });
  exited.catch(() => {});
  const started = new Promise<void>((resolve) =>
    lines.on("line", (line) => line.includes('"workers started"') && resolve()),
  );
  await Promise.race([started, exited]);
  return child;
}

/**
 * Keeps a training of the shop queued or running until `signal` aborts; resolves once the first
 * one runs, with the loop that keeps them coming.
 */
async function trainBackToBack(signal: AbortSignal): Promise<{ done: Promise<void> }> {
  const payload = { shopDomain: SHOP, reason: "manual" as const };
  const keepQueued = async () => {
    while (!signal.aborted) {
      await ensureQueued("train", payload, { jobId: trainingJobId(SHOP) });
      await sleep(200);
    }
  };
  const running = keepQueued();
  for (let i = 0; i < 600; i++) {
    const state = await ensureQueued("train", payload, { jobId: trainingJobId(SHOP) });
    if (state === "active") return { done: running };
    await sleep(100);
  }
  throw new Error("no training started within a minute");
}

async function trainingsStored(since: Date) {
  return db().trainingRun.count({ where: { shop: { domain: SHOP }, startedAt: { gte: since } } });
}

interface Phase {
  label: string;
  client: LoadResult;
  server: Record<string, Pick<LoadResult, "requests" | "p50" | "p95" | "p99" | "max">>;
  trainingWorkerCpuSeconds?: number;
  trainingsStarted?: number;
}

let app: ChildProcess | undefined;
let worker: ChildProcess | undefined;
const stopTraining = new AbortController();
try {
  await ensureDatabase(databaseUrl);
  await migrate({ databaseUrl });
  const orders = ordersForLines(shopSize, Number(values.lines));
  const shop = (await isSeeded(SHOP)) ? null : await seedAndTrain({ ...shopSize, orders });
  if (!shop) console.error(`reusing the seeded database ${databaseName}`);
  // The queued training the seeding's import asked for would start with the worker: the phases start it.
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
  if (!process.env.SERVER_BUILD) ensureBuild();

  const base = `http://127.0.0.1:${PORT}`;
  const pool = await mixedRequests(base);
  const times = serverTimes();
  app = await startServer({ args: ["server.mjs"], env: serverEnv, port: PORT, onLine: times.onLine });
  const run = async (
    label: string,
    seed: number,
    runSeconds = seconds,
  ): Promise<Pick<Phase, "client" | "server">> => {
    const client = await driveOpenLoop({
      label,
      url: `${base}${OFFERS_PATH}`,
      pool,
      rate,
      seconds: runSeconds,
      verifyBody,
      serverPid: app!.pid,
      seed,
      onMeasure: times.measure,
    });
    return { client, server: times.summary() };
  };
  // Decodes the shop's model in every server process and opens the connections.
  await run("warm-up", Number(values.seed) + 10, 5);

  const phases: Phase[] = [];
  phases.push({ label: "serving alone", ...(await run("serving alone", Number(values.seed))) });

  worker = await startTrainingWorker();
  const since = new Date();
  const training = await trainBackToBack(stopTraining.signal);
  // A training first reads the shop's orders; the measure starts once it is fitting, as it mostly is.
  await sleep(Number(values["training-lead"]) * 1000);
  const cpuBefore = processTreeCpuSeconds(worker.pid!);
  const loaded = await run("serving while training", Number(values.seed));
  const trainingWorkerCpuSeconds = +(processTreeCpuSeconds(worker.pid!) - cpuBefore).toFixed(1);
  stopTraining.abort();
  await training.done;
  phases.push({
    label: "serving while training",
    ...loaded,
    trainingWorkerCpuSeconds,
    trainingsStarted: await trainingsStored(since),
  });

  console.table(
    phases.flatMap((phase) =>
      [OFFERS_PATH, EVENTS_PATH].map((path) => ({
        phase: phase.label,
        path,
        "server p50": phase.server[path]?.p50,
        "server p99": phase.server[path]?.p99,
        "server max": phase.server[path]?.max,
        "client p50": phase.client.byPath?.[path]?.p50,
        "client p99": phase.client.byPath?.[path]?.p99,
        answered: phase.server[path]?.requests,
      })),
    ),
  );
  for (const phase of phases) {
    const failed = phase.client.non2xx + phase.client.errors + phase.client.mismatches;
    console.log(
      `${phase.label}: ${phase.client.perSecond} of ${rate} req/s answered, ${failed} failed` +
        (phase.trainingWorkerCpuSeconds === undefined
          ? ""
          : `; the training worker used ${phase.trainingWorkerCpuSeconds} CPU s in ${seconds} s, ${phase.trainingsStarted} trainings started`),
    );
  }
  console.log(
    JSON.stringify({
      shop,
      database: values.reuse ? databaseName : undefined,
      serverBuild: process.env.SERVER_BUILD ?? "build/server/index.js",
      trainNice: values["train-nice"] ?? "default",
      rate,
      seconds,
      workers: Number(values.workers),
      phases,
      loadavg: loadavg(),
    }),
  );
  for (const phase of phases) {
    const failed = phase.client.non2xx + phase.client.errors + phase.client.mismatches;
    if (failed > phase.client.requests * 0.01) {
      throw new Error(`${phase.label}: ${failed} of ${phase.client.requests} requests failed`);
    }
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  stopTraining.abort();
  await stopServer(worker);
  await stopServer(app);
  await closeQueues();
  await deleteKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", queuePrefix);
  await disconnectDb();
  if (values.reuse || values.keep) {
    console.error(
      `kept the database ${databaseName} (npm run bench:training-load -- --reuse ${databaseName})`,
    );
  } else {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.end();
  }
}
