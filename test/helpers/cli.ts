import { spawnSync } from "node:child_process";
import path from "node:path";
import type { IntegrationContext } from "./integration";

/** A gift shop's year of orders in the order-lines format, with its own product and customer ids. */
export const GIFT_SHOP_HISTORY = path.resolve("test/fixtures/csv/gift-shop-history.csv");

/**
 * Runs one of the project's commands against the test's database and queue prefix, as someone runs
 * it locally: no secrets set (every command falls back to the same local ones), and logging as it
 * does outside tests.
 */
export function runCommand(context: IntegrationContext, script: string, args: string[]) {
  const { SHOPIFY_API_SECRET, CUSTOMER_KEY_SECRET, SHOPIFY_API_KEY, NODE_ENV, LOG_LEVEL, ...environment } =
    process.env;
  return spawnSync(path.resolve("node_modules/.bin/tsx"), [script, ...args], {
    env: {
      ...environment,
      NODE_ENV: "development",
      DATABASE_URL: context.databaseUrl,
      QUEUE_PREFIX: context.queuePrefix,
    },
    encoding: "utf8",
    timeout: 180_000,
  });
}
