import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Db, Tx } from "~/db.server";
import { assembleOrders, assembleProducts, type BulkObjects, streamBulkObjects } from "~/lib/bulk-jsonl";
import { customerHasher } from "~/lib/customer-key.server";
import { describeError } from "~/lib/errors";
import { responseLines } from "~/lib/text-lines.server";
import {
  analyzeImportedTables,
  countImportProgress,
  restartImportStage,
  touchImportRun,
} from "~/models/import-runs.server";
import { recordInventoryCosts } from "~/models/inventory-costs.server";
import { upsertOrderBatch } from "~/models/orders.server";
import { upsertProductBatch, upsertVariantsOf } from "~/models/products.server";
import { findShop } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";
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

/** Objects of the stage's file read so far, of the operation's object count (parents and children). */
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
  download?: (url: string, init: { signal?: AbortSignal }) => Promise<Response>;
  /** aborted when the worker closes: the import stops at once and waits, queued, to resume */
  signal?: AbortSignal;
}

/**
 * Imports products, then orders, through Admin API bulk operations. Resumable: the import run
 * records the stage and the Shopify operation id, so a retried job polls the operation it already
 * started instead of starting another, and skips finished stages. Writes are upserts, so re-reading
 * a file after a crash stores nothing twice. Returns "interrupted" when `signal` stopped it.
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
  await database.importRun.update({
    where: { id: run.id },
    data: { status: "running", error: null, finishedAt: null },
  });
  try {
    const startAt = Math.max(0, STAGES.indexOf((run.stage ?? "products") as Stage));
    let operationId = run.bulkOperationId;
    for (const stage of STAGES.slice(startAt)) {
      if (await isCancelled(database, run.id)) return "cancelled";
      if (!operationId || run.stage !== stage) {
        operationId = await startBulkQuery(options.graphql, QUERIES[stage]);
        await database.importRun.update({
          where: { id: run.id },
          data: { stage, bulkOperationId: operationId, stageProcessed: 0, stageRejected: 0 },
        });
        log.info({ stage, operationId }, "bulk operation started");
      }
      const operation = await waitForOperation(database, run.id, operationId, options);
      const { url, objectCount } = operation;
      const stored = url ? await importFile(database, shop.id, stage, { url, objectCount }, options) : 0;
      log.info({ stage, stored }, "bulk stage imported");
      operationId = null;
      run.stage = null;
    }
    const { count } = await database.importRun.updateMany({
      where: { id: run.id, status: "running" },
      data: { status: "completed", stage: null, bulkOperationId: null, finishedAt: new Date() },
    });
    if (count === 0) return "cancelled";
    await analyzeImportedTables(database);
    await announceServingChange(shopDomain);
    await requestTrainingSoon({ shopDomain, reason: "import" });
    return "completed";
  } catch (error) {
    if (options.signal?.aborted) {
      // Not a failure: the worker is closing. The run waits for the next one, which resumes it.
      await database.importRun.updateMany({
        where: { id: run.id, status: "running" },
        data: { status: "queued" },
      });
      log.info("bulk import interrupted by the worker closing");
      return "interrupted";
    }
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
  { graphql, pollIntervalMs = 5_000, signal }: BulkImportOptions,
): Promise<BulkOperation> {
  for (;;) {
    signal?.throwIfAborted();
    const operation = await fetchBulkOperation(graphql, operationId);
    if (operation.status === "COMPLETED") return operation;
    if (["FAILED", "CANCELED", "EXPIRED"].includes(operation.status)) {
      // Forget the operation so the retry starts a fresh one.
      await database.importRun.update({ where: { id: runId }, data: { bulkOperationId: null } });
      throw new Error(
        `bulk operation ${operation.status.toLowerCase()}: ${operation.errorCode ?? "no error code"}`,
      );
    }
    // Waiting on Shopify is progress too: the heartbeat tells the sweep this run is alive.
    await touchImportRun(database, runId);
    await sleep(pollIntervalMs, undefined, { signal });
  }
}

/**
 * Reads the stage's file as it downloads and stores it in batches of BATCH parents, each counted
 * in its own transaction. A retry reads the file from the start, so the stage's earlier counts are
 * taken back first.
 */
async function importFile(
  database: Db,
  shopId: string,
  stage: Stage,
  { url, objectCount }: { url: string; objectCount: BulkOperation["objectCount"] },
  { download = fetch, onProgress, shopDomain, importRunId, signal }: BulkImportOptions,
): Promise<number> {
  const response = await download(url, { signal });
  if (!response.ok) throw new Error(`bulk file download answered ${response.status}`);
  await restartImportStage(database, importRunId);
  const hash = customerHasher(shopDomain);
  const store = async (tx: Tx, objects: BulkObjects) => {
    if (stage === "products") {
      const { items, withoutVariants, lateVariants, costs, rejected } = assembleProducts(objects);
      await upsertProductBatch(tx, { shopId, products: items, replaceVariants: true });
      // Variants that come late must not be deleted meanwhile: such products keep theirs.
      await upsertProductBatch(tx, { shopId, products: withoutVariants, replaceVariants: false });
      await upsertVariantsOf(tx, {
        shopId,
        variants: lateVariants,
        productExternalIds: withoutVariants.map((product) => product.externalId),
      });
      // After the variants, which take their items' costs; a newer webhook's cost is kept.
      await recordInventoryCosts(tx, { shopId, costs });
      return { stored: items.length + withoutVariants.length, rejected };
    }
    const { items, rejected } = assembleOrders(objects, hash);
    await upsertOrderBatch(tx, { shopId, source: "shopify", orders: items });
    return { stored: items.length, rejected };
  };
  const total = Number(objectCount ?? 0);
  let read = 0;
  let processed = 0;
  for await (const objects of streamBulkObjects(responseLines(response), { size: BATCH })) {
    const { stored } = await database.$transaction(async (tx) => {
      const counts = await store(tx, objects);
      await countImportProgress(tx, {
        id: importRunId,
        processed: counts.stored,
        rejected: counts.rejected,
        stage: true,
      });
      return counts;
    });
    processed += stored;
    read += objects.badLines + objects.parents.size;
    for (const children of objects.children.values()) read += children.length;
    await onProgress?.({ stage, processed: read, total: Math.max(total, read) });
  }
  return processed;
}
