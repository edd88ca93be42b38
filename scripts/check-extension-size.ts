/**
 * Fails when a built UI extension bundle is over Shopify's 64 KB compressed limit, and prints each
 * bundle's size. Run after `shopify app build`. Sizes are measured gzipped (Shopify CLI prints
 * Brotli, which compresses better), so a bundle that passes here passes at deploy too.
 *
 *   tsx scripts/check-extension-size.ts [--limit <bytes>]
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const LIMIT_BYTES = 64 * 1024;
const root = fileURLToPath(new URL("..", import.meta.url));

const limitIndex = process.argv.indexOf("--limit");
const limit = limitIndex === -1 ? LIMIT_BYTES : Number(process.argv[limitIndex + 1]);
if (!Number.isInteger(limit) || limit <= 0) {
  console.error("--limit takes a number of bytes.");
  process.exit(2);
}

const bundles: string[] = [];
const extensionsDir = join(root, "extensions");
for (const extension of readdirSync(extensionsDir, { withFileTypes: true })) {
  const dist = join(extensionsDir, extension.name, "dist");
  if (!extension.isDirectory() || !existsSync(dist)) continue;
  for (const file of readdirSync(dist)) if (file.endsWith(".js")) bundles.push(join(dist, file));
}
if (bundles.length === 0) {
  console.error("No extension bundle in extensions/*/dist: run `shopify app build` first.");
  process.exit(1);
}

let over = 0;
const format = (bytes: number) => bytes.toLocaleString("en-US");
for (const bundle of bundles) {
  const source = readFileSync(bundle);
  const gzip = gzipSync(source, { level: 9 }).byteLength;
  const brotli = brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).byteLength;
  const verdict = gzip > limit ? "OVER BUDGET" : "ok";
  console.log(
    `${relative(root, bundle)}: ${format(gzip)} bytes gzipped of ${format(limit)} (${format(brotli)} Brotli, ${format(source.byteLength)} raw) ${verdict}`,
  );
  if (gzip > limit) over++;
}
if (over > 0) {
  console.error(`${over} extension bundle(s) over the ${format(limit)} byte limit.`);
  process.exit(1);
}
