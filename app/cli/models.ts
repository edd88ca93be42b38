import "./local-secrets";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { checkModelHealth } from "~/services/check-model-health.server";
import { demoteIgnoredPairs } from "~/services/demote-ignored-pairs.server";
import { listModelVersions, restoreVersion } from "~/services/model-registry.server";
import { requestTraining } from "~/services/request-training.server";
import { trainShopModel } from "~/services/train-shop-model.server";
import { commandLine, shopOption } from "./args";
import { fail, runCli } from "./run";

const USAGE = `Usage:
  npm run models -- --shop <shop>.myshopify.com list
      The shop's model versions, newest first, with their holdout metrics and decisions.
  npm run models -- --shop <shop>.myshopify.com train [--queue]
      Train now in this process and register the result (live or rejected);
      with --queue, queue the training for a worker instead.
  npm run models -- --shop <shop>.myshopify.com restore <version>
      Make an earlier version live again; running servers switch at their next checkout.
      A version trained before a customer was erased cannot be restored.
  npm run models -- --shop <shop>.myshopify.com health
      Check the live model now as the nightly check does: its NDCG@10 on the orders since its data,
      drift, shoppers' take rates and the offers endpoint; records the check, and may ask for a
      training or roll back. Then demotes the offers shoppers ignore beside a cart product.`;

async function main(): Promise<number> {
  const args = commandLine(USAGE, {
    allowPositionals: true,
    options: {
      shop: { type: "string" },
      queue: { type: "boolean", default: false },
    },
  });
  if (!args) return 0;
  const { values, positionals } = args;
  const shop = shopOption(values.shop, USAGE);
  if (!shop) return 1;
  const [command, argument] = positionals;
  switch (command) {
    case "list":
      return list(shop);
    case "train":
      return values.queue ? queueTraining(shop) : train(shop);
    case "restore": {
      const version = Number(argument);
      if (!Number.isInteger(version) || version < 1)
        return fail(`restore needs a version number\n\n${USAGE}`);
      const result = await restoreVersion(db(), { shopDomain: shop, version });
      console.log(
        result.changed ? `Version ${version} is live again.` : `Version ${version} was already live.`,
      );
      return list(shop);
    }
    case "health":
      return health(shop);
    default:
      return fail(USAGE);
  }
}

async function train(shop: string): Promise<number> {
  const started = Date.now();
  const outcome = await trainShopModel(db(), {
    shopDomain: shop,
    reason: "manual",
    log: logger().child({ shop }),
    keep: env().MODEL_ARTIFACTS_KEPT,
    onProgress: ({ stage, orders }) =>
      process.stderr.write(`${stage}${orders ? ` (${orders.toLocaleString("en")} orders)` : ""}…\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `${outcome.status}${outcome.version ? ` v${outcome.version}` : ""} in ${seconds} s: ${outcome.note}`,
  );
  if (outcome.status === "skipped") return 0;
  return list(shop);
}

async function health(shop: string): Promise<number> {
  const outcome = await checkModelHealth(db(), { shopDomain: shop, log: logger().child({ shop }) });
  const { demoted } = await demoteIgnoredPairs(db(), { shopDomain: shop });
  console.log(`${demoted} cart product and offer pairs demoted: shoppers ignore them.`);
  if (outcome.status === "skipped") {
    console.log(`Not checked: ${outcome.note}`);
    return 0;
  }
  const check = await db().modelHealthCheck.findFirst({
    where: { shop: { domain: shop } },
    orderBy: { checkedAt: "desc" },
  });
  const number = (value: number | null | undefined, digits: number) =>
    value == null ? "-" : value.toFixed(digits);
  console.log(
    `v${outcome.version}: ${check?.recentOrders ?? 0} orders since its data, NDCG@10 ${number(check?.ndcg, 4)} ` +
      `on ${check?.queries ?? 0} checkouts (${number(check?.holdoutNdcg, 4)} at promotion), ` +
      `unknown products in ${number(check?.unknownShare == null ? null : check.unknownShare * 100, 1)}% of orders, ` +
      `category stability index ${number(check?.categoryPsi, 3)}.`,
  );
  if (check?.servingRequests != null) {
    const failed =
      check.servingRequests > 0 ? ((check.servingFailures ?? 0) / check.servingRequests) * 100 : 0;
    console.log(
      `Offers endpoint, 28 days: ${check.servingRequests} requests, ${failed.toFixed(2)}% failed, ` +
        `p50/p95/p99 up to ${number(check.servingP50Ms, 0)}/${number(check.servingP95Ms, 0)}/${number(check.servingP99Ms, 0)} ms.`,
    );
  }
  for (const alert of outcome.alerts) console.log(`  ${alert.kind}: ${alert.message}`);
  if (outcome.retrainRequested) console.log("  A training was requested.");
  return 0;
}

async function queueTraining(shop: string): Promise<number> {
  const state = await requestTraining({ shopDomain: shop, reason: "manual" });
  console.log(
    state === "waiting"
      ? `A training of ${shop} is already queued.`
      : `Training of ${shop} queued; a worker (npm run worker) runs it.`,
  );
  return 0;
}

const date = (value: Date | null) => (value ? value.toISOString().slice(0, 16).replace("T", " ") : "");

async function list(shop: string): Promise<number> {
  const versions = await listModelVersions(db(), shop);
  if (versions.length === 0) {
    console.log(`${shop} has no model yet.`);
    return 0;
  }
  const header = [
    "version",
    "status",
    "trained (UTC)",
    "orders",
    "NDCG ± se",
    "HR",
    "recall",
    "queries",
    "KB",
  ];
  const rows = versions.map((v) => [
    `v${v.version}`,
    v.status,
    date(v.trainedAt),
    v.orderCount.toLocaleString("en"),
    v.metrics ? `${v.metrics.ndcg.toFixed(4)} ± ${v.metrics.ndcgStdErr.toFixed(4)}` : "?",
    v.metrics ? v.metrics.hitRate.toFixed(3) : "?",
    v.metrics ? v.metrics.recall.toFixed(3) : "?",
    v.metrics ? String(v.metrics.queries) : "?",
    v.sizeBytes === null ? "pruned" : (v.sizeBytes / 1024).toFixed(0),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  for (const [i, row] of rows.entries()) {
    console.log(line(row));
    const note = versions[i]!.decisionNote;
    if (note) console.log(`    ${note}`);
  }
  return 0;
}

runCli(main);
