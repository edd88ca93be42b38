/**
 * What the benches that serve checkouts share: the built app, the seeded shop, and checkout
 * requests signed as Shopify signs them. Imported once the environment points at the
 * scratch database.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { db } from "~/db.server";
import { checkoutRequest, checkoutToken } from "../../test/helpers/shopify";
import type { SignedCheckout } from "./checkouts";
import { type BenchShopOptions, checkoutRequests, seedBenchShop } from "./offers-shop";

/** The shop's orders are there (a --reuse database seeded before). */
export async function isSeeded(shopDomain: string) {
  return (await db().order.count({ where: { shop: { domain: shopDomain } }, take: 1 })) > 0;
}

export async function seed(shopSize: BenchShopOptions) {
  const started = performance.now();
  const seeded = await seedBenchShop(shopSize);
  const seconds = (performance.now() - started) / 1000;
  console.error(`seeded ${seeded.lines} lines, ${seeded.orders} orders in ${seconds.toFixed(1)} s`);
  return {
    lines: seeded.lines,
    orders: seeded.orders,
    products: seeded.catalog,
    seedSeconds: +seconds.toFixed(1),
  };
}

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds the app when its server build is missing or older than its sources. */
export function ensureBuild() {
  const built = "build/server/index.js";
  const sources = ["app", "ml", "vite.config.ts", "package-lock.json"].filter(existsSync);
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(...sources.map(newestChange))) return;
  console.error("building the app (remix vite:build)");
  const build = spawnSync("node_modules/.bin/remix", ["vite:build"], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`the app build failed:\n${build.stderr}`);
}

/**
 * The shop's checkout requests with session tokens signed as Shopify signs checkout extension
 * tokens, and the extension's headers, as the tests do. Each request made from one is a new
 * checkout: the extension sends Shopify's checkout token as the experiment unit.
 */
export async function signedCheckouts(
  options: BenchShopOptions & { count: number; customerShare: number; apiKey: string; secret: string },
): Promise<SignedCheckout[]> {
  const { requests, customers, known } = await checkoutRequests(options);
  if (known !== customers) throw new Error(`only ${known} of ${customers} customers' keys are stored`);
  return Promise.all(
    requests.map(async ({ customerId, body }) => {
      const token = await checkoutToken({
        shop: options.shopDomain,
        customerId: customerId ?? undefined,
        apiKey: options.apiKey,
        secret: options.secret,
        expiresInSeconds: 3600,
      });
      const request = checkoutRequest("/api/checkout/offers", {
        token,
        rawBody: body,
        headers: { "Accept-Encoding": "gzip, deflate, br" },
      });
      const checkout = randomBytes(12).toString("hex");
      let checkouts = 0;
      return {
        customer: customerId !== null,
        body: () => `${body.slice(0, -1)},"unitKey":"${checkout}-${checkouts++}"}`,
        headers: Object.fromEntries(request.headers),
      };
    }),
  );
}
