import { randomBytes } from "node:crypto";

/** The Postgres server the benches create their scratch databases on. */
export const ADMIN_URL =
  process.env.BENCH_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const API_KEY = "bench-api-key";
export const API_SECRET = "bench-api-secret";

/**
 * A bench's scratch database, key prefix and production server environment. The bench's own
 * process takes the same settings (as a development process, logging warnings only), so it signs
 * tokens and hashes customers as the server does: call this before importing the app's modules.
 */
export function benchEnvironment({
  reuse,
  logLevel = "error",
  settings,
}: {
  /** a database seeded by an earlier run, to serve again */
  reuse?: string;
  /** the server's LOG_LEVEL */
  logLevel?: string;
  /** the bench's own server settings (WEB_CONCURRENCY, limits) */
  settings: Record<string, string>;
}) {
  const suffix = randomBytes(4).toString("hex");
  const databaseName = reuse ?? `cua_bench_${suffix}`;
  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${databaseName}`);
  const queuePrefix = `cua-bench-${suffix}`;
  const serverEnv: Record<string, string> = {
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: queuePrefix,
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    CUSTOMER_KEY_SECRET: "bench-customer-key-secret",
    LOG_LEVEL: logLevel,
    ...settings,
  };
  Object.assign(process.env, { ...serverEnv, NODE_ENV: "development", LOG_LEVEL: "warn" });
  return { databaseName, databaseUrl, queuePrefix, serverEnv };
}
