import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { parseArgs } from "node:util";

// Fixed demo secrets (the demo's data is synthetic or local): stable, so customer keys stay the
// same across runs, and distinct from the development defaults the production server refuses.
process.env.SHOPIFY_API_SECRET ??= "demo-api-secret-for-local-use-only";
process.env.CUSTOMER_KEY_SECRET ??= "demo-customer-key-secret-for-local-use-only";
process.env.SHOPIFY_API_KEY ??= "demo-api-key";

const { db, disconnectDb } = await import("~/db.server");
const { closeQueues } = await import("~/jobs/queues.server");
const { ensureDatabase, migrate } = await import("~/db/migrate.server");
const { env } = await import("~/env.server");
const { signSessionToken } = await import("~/lib/session-token.server");
const { fileLines } = await import("~/lib/text-lines.server");
const { DEMO_SHOP, seedDemoShop } = await import("~/services/seed-demo-shop.server");
const { simulateOfferActivity } = await import("~/services/simulate-offer-activity.server");
const { progressBar } = await import("./progress");

const USAGE = `Usage: npm run demo [-- --file <orders.csv[.gz]>] [--seed N] [--reset] [--no-serve]
  Seeds a local demo shop (synthetic by default, or the order history in --file),
  then starts the app and a worker and prints the address to open.`;

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
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      seed: { type: "string", default: "7" },
      reset: { type: "boolean", default: false },
      "no-serve": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
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

  if (values.reset) await db().shop.deleteMany({ where: { domain: DEMO_SHOP } });
  const existing = await db().order.count({ where: { shop: { domain: DEMO_SHOP } } });
  if (existing > 0 && !values.file) {
    console.log(`${DEMO_SHOP} already has ${existing.toLocaleString("en")} orders (--reset to start over).`);
  } else {
    const source = values.file ? await fileLines(values.file) : null;
    const bar = progressBar(values.file ? "Importing" : "Generating");
    const result = await seedDemoShop(db(), {
      lines: source?.lines,
      seed,
      scopes: config.SCOPES,
      onProgress: ({ lines }) =>
        bar.update(
          source ? source.progress.bytesRead / source.progress.size : Math.min(1, lines / 41_000),
          `${lines.toLocaleString("en")} lines`,
        ),
    });
    bar.done();
    console.log(
      `${DEMO_SHOP}: ${result.lines.toLocaleString("en")} order lines, ${result.orders.toLocaleString("en")} orders, ` +
        `${result.products.toLocaleString("en")} products${result.rejected.length ? `, ${result.rejected.length} rows rejected` : ""}.`,
    );
    // Made-up shoppers seeing and buying offers, so the performance page has figures to show.
    const activity = await simulateOfferActivity(db(), { seed });
    console.log(
      `Simulated 30 days of shoppers: ${activity.events.toLocaleString("en")} offer events, ` +
        `${activity.orders.toLocaleString("en")} orders from offers.`,
    );
  }
  // Seeding queued the demo shop's first training (the worker started below runs it).
  await closeQueues();
  await disconnectDb();
  if (values["no-serve"]) return 0;

  if (!existsSync("build/server/index.js")) {
    console.log("Building the app…");
    const code = await new Promise<number>((resolve) =>
      run("npx", ["remix", "vite:build"]).once("exit", (c) => resolve(c ?? 1)),
    );
    if (code !== 0) return code;
  }
  const serverEnv = {
    NODE_ENV: "production",
    PORT: String(config.PORT),
    SHOPIFY_APP_URL: `http://localhost:${config.PORT}`,
  };
  const children = [
    run("node", ["server.mjs"], serverEnv),
    run("node", ["--import", "tsx", "app/jobs/worker.server.ts"], { NODE_ENV: "production" }),
  ];
  const token = signSessionToken({
    shop: DEMO_SHOP,
    apiKey: config.SHOPIFY_API_KEY,
    secret: config.SHOPIFY_API_SECRET,
    ttlSeconds: 24 * 3600,
  });
  const host = Buffer.from(`admin.shopify.com/store/${DEMO_SHOP.replace(".myshopify.com", "")}`).toString(
    "base64url",
  );
  const query = `embedded=1&shop=${DEMO_SHOP}&host=${host}&id_token=${token}`;
  console.log(`
The demo shop's admin (valid for 24 hours):
  http://localhost:${config.PORT}/app?${query}

What the checkout offers a chosen customer and cart (the first model is trained in the background
after seeding; until it is live, offers are the shop's popular products):
  http://localhost:${config.PORT}/app/preview?${query}

Press Ctrl-C to stop the server and the worker.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const child of children) child.kill("SIGTERM");
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    for (const child of children) child.once("exit", stop);
  });
  return 0;
}

process.exitCode = await main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  return 1;
});
await disconnectDb();
