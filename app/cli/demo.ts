import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";

import "./local-secrets";
import { commandLine } from "./args";

// The demo says what it does in its own lines: its services log only warnings here, while the server
// and worker it starts log as configured.
const CHILD_LOG_LEVEL = process.env.LOG_LEVEL ?? "info";
process.env.LOG_LEVEL ??= "warn";

const { db, disconnectDb } = await import("~/db.server");
const { closeQueues } = await import("~/jobs/queues.server");
const { closeRequestRedis } = await import("~/redis.server");
const { closeServing } = await import("~/serving/serving.server");
const { ensureDatabase, migrate } = await import("~/db/migrate.server");
const { env } = await import("~/env.server");
const { signSessionToken } = await import("~/lib/session-token.server");
const { fileText } = await import("~/lib/text-lines.server");
const { logger } = await import("~/logger.server");
const { shopsWithNewData } = await import("~/models/training-runs.server");
const { listModelVersions } = await import("~/services/model-registry.server");
const { DEMO_SHOP, HISTORY_SHOP, importDemoHistory, seedDemoShop } = await import(
  "~/services/seed-demo-shop.server"
);
const { simulateOfferActivity } = await import("~/services/simulate-offer-activity.server");
const { trainShopModel } = await import("~/services/train-shop-model.server");
const { progressBar } = await import("./progress");

const USAGE = `Usage: npm run demo [-- --file <orders.csv[.gz]>] [--seed N] [--reset] [--no-serve]
  Without --file: a synthetic shop (${DEMO_SHOP}) with 30 days of simulated shoppers.
  With --file: the order history in the file, in a shop of its own (${HISTORY_SHOP}) that no
  simulation ever touches; importing the same file again changes nothing.
  Either way the first model is trained and its holdout metrics printed, then the app and a worker
  start and the address to open is printed (--no-serve: stop after training). --reset starts the
  shop over.`;

function reachable(url: string, fallbackPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname || "127.0.0.1", port: Number(port || fallbackPort) });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function checkServices(): Promise<boolean> {
  const config = env();
  let ok = true;
  if (!(await reachable(config.DATABASE_URL, 5432))) {
    ok = false;
    console.error(`PostgreSQL does not answer at ${new URL(config.DATABASE_URL).host}.
  Start it (Debian: pg_ctlcluster 15 main start; macOS: brew services start postgresql@15),
  or point DATABASE_URL at a running server.`);
  }
  if (!(await reachable(config.REDIS_URL, 6379))) {
    ok = false;
    console.error(`Redis does not answer at ${new URL(config.REDIS_URL).host}.
  Start it (redis-server --daemonize yes), or point REDIS_URL at a running server.`);
  }
  return ok;
}

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(command, args, { stdio: "inherit", env: { ...process.env, ...extraEnv } });
}

async function main(): Promise<number> {
  const args = commandLine(USAGE, {
    options: {
      file: { type: "string" },
      seed: { type: "string", default: "7" },
      reset: { type: "boolean", default: false },
      "no-serve": { type: "boolean", default: false },
    },
  });
  if (!args) return 0;
  const { values } = args;
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) {
    console.error(`--seed must be a whole number\n\n${USAGE}`);
    return 1;
  }
  if (values.file && !existsSync(values.file)) {
    console.error(`No such file: ${values.file}`);
    return 1;
  }
  if (!(await checkServices())) return 1;

  const config = env();
  await ensureDatabase(config.DATABASE_URL);
  const migrated = await migrate({ databaseUrl: config.DATABASE_URL });
  if (migrated.applied.length > 0) console.log(`Database migrated (${migrated.applied.join(", ")}).`);

  const shopDomain = values.file ? HISTORY_SHOP : DEMO_SHOP;
  if (values.reset) await db().shop.deleteMany({ where: { domain: shopDomain } });
  let seeded = false;
  if (values.file) await importFile(values.file);
  else seeded = await seedSynthetic(seed);
  // As the nightly training decides: a model trained since the data last changed is kept.
  const stale = !(await hasLiveModel(shopDomain)) || (await shopsWithNewData(db())).includes(shopDomain);
  if (stale && !(await train(shopDomain))) return 1;
  else if (!stale) console.log(`${shopDomain}'s live model is newer than its data: no training needed.`);
  // Made-up shoppers only ever visit the synthetic shop, never a real history.
  if (seeded) await simulate(seed);
  // Importing also queued a training: the worker finds this one done and skips it.
  await closeQueues();
  // Imports and trainings announce serving changes on Redis: an open connection would keep the
  // process from exiting.
  closeServing();
  closeRequestRedis();
  await disconnectDb();
  if (values["no-serve"]) return 0;
  return serve(shopDomain);
}

/** Imports the file into the history shop. */
async function importFile(file: string): Promise<void> {
  const source = await fileText(file);
  const bar = progressBar("Importing");
  const result = await importDemoHistory(db(), {
    csv: source.chunks,
    scopes: env().SCOPES,
    onProgress: ({ lines }) =>
      bar.update(source.progress.bytesRead / source.progress.size, `${lines.toLocaleString("en")} lines`),
  });
  const seconds = bar.done();
  console.log(
    `${HISTORY_SHOP}: ${result.lines.toLocaleString("en")} order lines, ${result.orders.toLocaleString("en")} orders, ` +
      `${result.products.toLocaleString("en")} products in ${seconds.toFixed(0)} s` +
      `${result.rejected.length ? `, ${result.rejected.length} rows rejected` : ""}.`,
  );
}

/** Seeds the synthetic shop unless it has orders already; true when it seeded. */
async function seedSynthetic(seed: number): Promise<boolean> {
  const existing = await db().order.count({ where: { shop: { domain: DEMO_SHOP } } });
  if (existing > 0) {
    console.log(`${DEMO_SHOP} already has ${existing.toLocaleString("en")} orders (--reset to start over).`);
    return false;
  }
  const bar = progressBar("Generating");
  const result = await seedDemoShop(db(), {
    seed,
    scopes: env().SCOPES,
    onProgress: ({ lines }) => bar.update(lines / 41_000, `${lines.toLocaleString("en")} lines`),
  });
  bar.done();
  console.log(
    `${DEMO_SHOP}: ${result.lines.toLocaleString("en")} order lines, ${result.orders.toLocaleString("en")} orders, ` +
      `${result.products.toLocaleString("en")} products.`,
  );
  return true;
}

async function hasLiveModel(shopDomain: string): Promise<boolean> {
  return (await db().modelVersion.count({ where: { shop: { domain: shopDomain }, status: "live" } })) > 0;
}

/** Trains the shop's model here and now and prints its holdout metrics; false when none could be trained. */
async function train(shopDomain: string): Promise<boolean> {
  const started = Date.now();
  process.stderr.write("Training the model…\n");
  const outcome = await trainShopModel(db(), {
    shopDomain,
    reason: "import",
    log: logger().child({ shop: shopDomain }),
    keep: env().MODEL_ARTIFACTS_KEPT,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (outcome.status === "skipped" || outcome.version === null) {
    console.error(`No model trained: ${outcome.note}`);
    return false;
  }
  const version = (await listModelVersions(db(), shopDomain)).find((v) => v.version === outcome.version);
  const metrics = version?.metrics;
  console.log(
    `Model v${outcome.version} ${outcome.status} in ${seconds} s, trained on ${version?.orderCount.toLocaleString("en")} orders.` +
      (metrics
        ? `\n  Holdout (the last orders, unseen in training): NDCG@10 ${metrics.ndcg.toFixed(3)} ± ${metrics.ndcgStdErr.toFixed(3)}, ` +
          `hit rate ${metrics.hitRate.toFixed(3)}, recall ${metrics.recall.toFixed(3)} over ${metrics.queries.toLocaleString("en")} checkouts.`
        : ""),
  );
  return true;
}

async function simulate(seed: number) {
  const activity = await simulateOfferActivity(db(), { seed });
  const served = activity.modelVersions
    .map(({ modelVersion, checkouts }) =>
      modelVersion === null
        ? `${checkouts} by popularity (no live model)`
        : `${checkouts} by model v${modelVersion}`,
    )
    .join(", ");
  const arms = activity.arms.map(({ variant, checkouts }) => `${variant} ${checkouts}`).join(", ");
  console.log(
    `Simulated 30 days of shoppers: ${activity.checkouts.toLocaleString("en")} checkouts (offers ranked ${served || "for none"}; ` +
      `experiment arms: ${arms}), ${activity.events.toLocaleString("en")} offer events, ` +
      `${activity.orders.toLocaleString("en")} orders from offers, ${activity.discountedOffers.toLocaleString("en")} offers with a personalized discount.`,
  );
}

/** Starts the app and a worker, prints the addresses once the app answers, and runs until Ctrl-C. */
async function serve(shopDomain: string): Promise<number> {
  const config = env();
  if (!existsSync("build/server/index.js")) {
    console.log("Building the app…");
    const code = await new Promise<number>((resolve) =>
      run("npx", ["remix", "vite:build"]).once("exit", (c) => resolve(c ?? 1)),
    );
    if (code !== 0) return code;
  }
  const base = `http://localhost:${config.PORT}`;
  const children = [
    run("node", ["server.mjs"], {
      NODE_ENV: "production",
      PORT: String(config.PORT),
      SHOPIFY_APP_URL: base,
      LOG_LEVEL: CHILD_LOG_LEVEL,
    }),
    run("node", ["--import", "tsx", "app/jobs/worker.server.ts"], {
      NODE_ENV: "production",
      LOG_LEVEL: CHILD_LOG_LEVEL,
    }),
  ];
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      stopping = true;
      for (const child of children) child.kill("SIGTERM");
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    for (const [i, child] of children.entries()) {
      child.once("exit", (code, signal) => {
        // One process gone leaves a demo that half works: say which, then stop the other.
        if (!stopping)
          console.error(
            `The ${["server", "worker"][i]} exited (${signal ?? `code ${code}`}); stopping the demo.`,
          );
        stop();
      });
    }
  });
  if (!(await answers(base, stopped))) {
    console.error(`The app did not start answering at ${base}; see its output above.`);
    for (const child of children) child.kill("SIGTERM");
    return 1;
  }
  const token = await signSessionToken({
    shop: shopDomain,
    apiKey: config.SHOPIFY_API_KEY,
    secret: config.SHOPIFY_API_SECRET,
    ttlSeconds: 24 * 3600,
  });
  const host = Buffer.from(`admin.shopify.com/store/${shopDomain.replace(".myshopify.com", "")}`).toString(
    "base64url",
  );
  const query = `embedded=1&shop=${shopDomain}&host=${host}&id_token=${token}`;
  console.log(`
${shopDomain} is served at ${base}. Its admin:
  ${base}/app?${query}

What the checkout offers a chosen customer and cart:
  ${base}/app/preview?${query}

Open them in a browser: they carry a session token signed as the Shopify admin signs one, good for 24 hours (run the demo again for new ones); curl and other non-browser clients get HTTP 410, Shopify's answer to bots on embedded pages.
Press Ctrl-C to stop the server and the worker.`);
  await stopped;
  return 0;
}

/** Whether the app answers HTTP within a minute (false at once if it stopped). */
async function answers(base: string, stopped: Promise<void>): Promise<boolean> {
  let gone = false;
  void stopped.then(() => {
    gone = true;
  });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !gone; ) {
    try {
      await fetch(`${base}/favicon.ico`, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}

process.exitCode = await main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  return 1;
});
await disconnectDb();
