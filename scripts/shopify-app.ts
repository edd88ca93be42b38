/**
 * Runs `shopify app <command>` (build, deploy) with APP_URL set to shopify.app.toml's
 * application_url, unless APP_URL is already set. Shopify CLI compiles APP_URL into the checkout
 * extension, which calls the app there; `shopify app dev` sets it to its tunnel by itself.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const env = { ...process.env };
if (!env.APP_URL) {
  const toml = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");
  const url = /^application_url\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!url) {
    console.error("shopify.app.toml has no application_url, and APP_URL is not set.");
    process.exit(1);
  }
  env.APP_URL = url;
}

const result = spawnSync("shopify", ["app", ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);
