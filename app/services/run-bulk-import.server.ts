import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Db, Tx } from "~/db.server";
import { type Assembled, assembleOrders, assembleProducts, collectBulkObjects } from "~/lib/bulk-jsonl";
import { customerHasher } from "~/lib/customer-key.server";
import { describeError } from "~/lib/errors";
import { responseLines } from "~/lib/text-lines.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { upsertProductBatch } from "~/models/products.server";
import { findShop } from "~/models/shops.server";
import {
  type BulkOperation,
  fetchBulkOperation,
  type GraphqlClient,
  ORDERS_BULK_QUERY,
  PRODUCTS_BULK_QUERY,
  startBulkQuery,
} from "~/shopify/bulk-operations.server";
import { requestTrainingSoon } from "./request-training.server";

const STAGES = ["products", "orders"] as const;
type Stage = (typeof STAGES)[number];
const QUERIES: Record<Stage, string> = { products: PRODUCTS_BULK_QUERY, orders: ORDERS_BULK_QUERY };
const BATCH = 500;

export interface BulkImportProgress {
  stage: Stage;
  processed: number;
  total: number;
}

export interface BulkImportOptions {
  shopDomain: string;
  importRunId: string;
  graphql: GraphqlClient;
  log: Logger;
  /** the job's last attempt: a failure now is final, and the run is marked failed */
  finalAttempt?: boolean;
  onProgress?: (progress: BulkImportProgress) => unknown;
  pollIntervalMs?: number;
  download?: (url: string) => Promise<Response>;
}

/**
 * Imports products, then orders, through Admin API bulk operations. Resumable: the import run
 * records the stage and the Shopify operation id, so a retried job polls the operation it already
 * started instead of starting another, and skips finished stages. Writes are upserts, so re-reading
 * a file after a crash stores nothing twice.
 */
export async function runBulkImport(database: Db, options: BulkImportOptions) {
  const { shopDomain, importRunId, log } = options;
  const run = await database.importRun.findUnique({ where: { id: importRunId } });
  if (!run || run.status === "completed" || run.status === "cancelled") return run?.status ?? "missing";
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt || shop.id !== run.shopId) {
    await database.importRun.update({
      where: { id: run.id },
      data: { status: "cancelled", finishedAt: new Date() },
    });
    return "cancelled";
  }
  await database.importRun.update({ where: { id: run.id }, data: { status: "running", error: null } });
  try {
    const startAt = Math.max(0, STAGES.indexOf((run.stage ?? "products") as Stage));
    let operationId = run.bulkOperationId;
    for (const stage of STAGES.slice(startAt)) {
      if (await isCancelled(database, run.id)) return "cancelled";
      if (!operationId || run.stage !== stage) {
        operationId = await startBulkQuery(options.graphql, QUERIES[stage]);
        await database.importRun.update({
          where: { id: run.id },
          data: { stage, bulkOperationId: operationId },
        });
        log.info({ stage, operationId }, "bulk operation started");
      }
      const operation = await waitForOperation(database, run.id, operationId, options);
      const stored = operation.url ? await importFile(database, shop.id, stage, operation.url, options) : 0;
      log.info({ stage, stored }, "bulk stage imported");
      operationId = null;
      run.stage = null;
    }
    const { count } = await database.importRun.updateMany({
      where: { id: run.id, status: "running" },
      data: { status: "completed", stage: null, bulkOperationId: null, finishedAt: new Date() },
    });
    if (count === 0) return "cancelled";
    await requestTrainingSoon({ shopDomain, reason: "import" });
    return "completed";
  } catch (error) {
    await database.importRun.update({
      where: { id: run.id },
      data: {
        error: describeError(error),
        ...(options.finalAttempt ? { status: "failed", finishedAt: new Date() } : {}),
      },
    });
    throw error;
  }
}

async function isCancelled(database: Db, runId: string): Promise<boolean> {
  const run = await database.importRun.findUnique({ where: { id: runId }, select: { status: true } });
  return run?.status !== "running";
}

async function waitForOperation(
  database: Db,
  runId: string,
  operationId: string,
  { graphql, pollIntervalMs = 5_000 }: BulkImportOptions,
): Promise<BulkOperation> {
  for (;;) {
    const operation = await fetchBulkOperation(graphql, operationId);
    if (operation.status === "COMPLETED") return operation;
    if (["FAILED", "CANCELED", "EXPIRED"].includes(operation.status)) {
      // Forget the operation so the retry starts a fresh one.
      await database.importRun.update({ where: { id: runId }, data: { bulkOperationId: null } });
      throw new Error(
        `bulk operation ${operation.status.toLowerCase()}: ${operation.errorCode ?? "no error code"}`,
      );
    }
    await sleep(pollIntervalMs);
  }
}

async function importFile(
  database: Db,
  shopId: string,
  stage: Stage,
  url: string,
  { download = fetch, onProgress, shopDomain }: BulkImportOptions,
): Promise<number> {
  const response = await download(url);
  if (!response.ok) throw new Error(`bulk file download answered ${response.status}`);
  const objects = await collectBulkObjects(responseLines(response));
  const report = (processed: number, total: number) => onProgress?.({ stage, processed, total });
  const { total, rejected } =
    stage === "products"
      ? await writeInBatches(database, assembleProducts(objects), report, (tx, products) =>
          upsertProductBatch(tx, { shopId, products, replaceVariants: true }),
        )
      : await writeInBatches(
          database,
          assembleOrders(objects, customerHasher(shopDomain)),
          report,
          (tx, orders) => upsertOrderBatch(tx, { shopId, source: "shopify", orders }),
        );
  await database.importRun.updateMany({
    where: { shopId, kind: "bulk", status: "running" },
    data: { processed: { increment: total }, rejected: { increment: rejected } },
  });
  return total;
}

async function writeInBatches<T>(
  database: Db,
  { items, rejected }: Assembled<T>,
  report: (processed: number, total: number) => unknown,
  write: (tx: Tx, batch: T[]) => Promise<unknown>,
) {
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH);
    await database.$transaction((tx) => write(tx, batch));
    await report(Math.min(items.length, start + BATCH), items.length);
  }
  return { total: items.length, rejected };
}
