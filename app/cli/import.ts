import "./local-secrets";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { db } from "~/db.server";
import { fileText } from "~/lib/text-lines.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { startHistoryImport } from "~/services/start-history-import.server";
import { commandLine, shopOption } from "./args";
import { progressBar } from "./progress";
import { fail, runCli } from "./run";

const USAGE = `Usage:
  npm run import -- --shop <shop>.myshopify.com --file <orders.csv|orders.csv.gz>
      Import order history from an order-lines CSV with the header
      order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category
  npm run import -- --shop <shop>.myshopify.com --bulk [--no-wait]
      Queue the Admin API history import (bulk operations) for an installed shop; a worker runs it.`;

async function main(): Promise<number> {
  const args = commandLine(USAGE, {
    options: {
      shop: { type: "string" },
      file: { type: "string" },
      bulk: { type: "boolean", default: false },
      "no-wait": { type: "boolean", default: false },
    },
  });
  if (!args) return 0;
  const { values } = args;
  const shop = shopOption(values.shop, USAGE);
  if (!shop) return 1;
  if (values.bulk === Boolean(values.file)) return fail(`Give either --file or --bulk.\n\n${USAGE}`);
  if (values.file) return importFile(shop, values.file);
  return bulk(shop, !values["no-wait"]);
}

async function importFile(shop: string, file: string): Promise<number> {
  if (!existsSync(file)) return fail(`No such file: ${file}`);
  const { chunks, progress } = await fileText(file);
  const bar = progressBar("Importing");
  const result = await importOrderCsv(db(), {
    shopDomain: shop,
    csv: chunks,
    onProgress: ({ lines: done, rejected }) =>
      bar.update(
        progress.bytesRead / progress.size,
        `${done.toLocaleString("en")} lines, ${rejected} rejected`,
      ),
  });
  bar.update(1, `${result.lines.toLocaleString("en")} lines`);
  const seconds = bar.done();
  for (const row of result.rejected) console.error(`line ${row.line}: ${row.reason}`);
  console.log(
    `Imported ${result.lines.toLocaleString("en")} lines (${result.orders.toLocaleString("en")} orders, ` +
      `${result.products.toLocaleString("en")} products) into ${shop} in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.lines / Math.max(seconds, 0.001)).toLocaleString("en")} lines/s); ` +
      `${result.rejected.length} rows rejected.`,
  );
  return 0;
}

async function bulk(shop: string, wait: boolean): Promise<number> {
  const run = await startHistoryImport(db(), { shopDomain: shop, onlyIfFresh: false });
  console.log(`History import ${run?.id} queued for ${shop}. A worker (npm run worker) runs it.`);
  if (!wait || !run) return 0;
  for (;;) {
    const current = await db().importRun.findUniqueOrThrow({ where: { id: run.id } });
    process.stderr.write(`\r${current.status} ${current.stage ?? ""} ${current.processed} objects   `);
    if (current.status === "completed") break;
    if (current.status === "failed" || current.status === "cancelled")
      return fail(`\nImport ${current.status}: ${current.error ?? ""}`);
    await sleep(1_000);
  }
  console.log("\nDone.");
  return 0;
}

runCli(main);
