import type { Db } from "~/db.server";
import { customerHasher } from "~/lib/customer-key.server";
import { AppError, describeError } from "~/lib/errors";
import { type ColumnIndex, OrderCsvBatch, parseOrderCsvRow, readOrderCsvHeader } from "~/lib/order-csv";
import { analyzeImportedTables, countImportProgress } from "~/models/import-runs.server";
import { shopDataChangedSince, totalCsvOrders, upsertOrderBatch } from "~/models/orders.server";
import { refreshFileCatalog, upsertProductBatch } from "~/models/products.server";
import { ensureShop } from "~/models/shops.server";
import { announceServingChange } from "~/serving/serving.server";
import { type CsvError, type CsvRecord, isCsvError, readCsvRecords } from "~ml";
import { requestTrainingSoon } from "./request-training.server";

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface CsvImportResult {
  lines: number;
  orders: number;
  products: number;
  rejected: RejectedRow[];
}

export interface CsvImportOptions {
  shopDomain: string;
  /** The file's text, in chunks of any size (a file's bytes, or csvTextOf(lines)). */
  csv: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  batchLines?: number;
  onProgress?: (progress: { lines: number; rejected: number }) => void;
}

/**
 * Imports an order-lines CSV as a stream, in batches of `batchLines`, each batch in one
 * transaction. Bad rows are reported with their line number and reason; good rows are kept. An
 * order in the file ends up with exactly the file's lines, so importing the same file again, or a
 * re-export with rows moved, added or removed, never counts a line twice. An empty file or one
 * without the order-lines header is refused before anything is stored: no shop, no import record.
 */
export async function importOrderCsv(
  database: Db,
  { shopDomain, csv, batchLines, onProgress }: CsvImportOptions,
): Promise<CsvImportResult> {
  const records = readCsvRecords(csv)[Symbol.asyncIterator]();
  const { index, rejected } = await readHeader(records);
  const shop = await ensureShop(database, shopDomain);
  const run = await database.importRun.create({ data: { shopId: shop.id, kind: "csv", status: "running" } });
  try {
    const result = await importRecords(
      database,
      { shopId: shop.id, runId: run.id },
      {
        shopDomain,
        records,
        index,
        rejected,
        batchLines,
        onProgress,
      },
    );
    await database.importRun.update({
      where: { id: run.id },
      data: {
        status: "completed",
        processed: result.lines,
        rejected: result.rejected.length,
        finishedAt: new Date(),
      },
    });
    // A file imported again changes nothing, and a model trained on the same data is not worth a training.
    if (await shopDataChangedSince(database, { shopId: shop.id, since: run.startedAt })) {
      await analyzeImportedTables(database);
      await announceServingChange(shopDomain);
      await requestTrainingSoon({ shopDomain, reason: "import" });
    }
    return result;
  } catch (error) {
    // `processed` keeps what the committed batches counted.
    await database.importRun.update({
      where: { id: run.id },
      data: { status: "failed", error: describeError(error), finishedAt: new Date() },
    });
    throw error;
  }
}

type Records = AsyncIterator<CsvRecord | CsvError>;

/** The header's column positions, and the broken records before it; an AppError when there is none. */
async function readHeader(records: Records): Promise<{ index: ColumnIndex; rejected: RejectedRow[] }> {
  const rejected: RejectedRow[] = [];
  for (let next = await records.next(); !next.done; next = await records.next()) {
    const record = next.value;
    if (isCsvError(record)) {
      rejected.push({ line: record.line, reason: record.error });
      continue;
    }
    const header = readOrderCsvHeader(record.fields);
    if (!header.ok) throw new AppError("BAD_REQUEST", `Not an order-lines CSV: ${header.error}`);
    return { index: header.index, rejected };
  }
  throw new AppError("BAD_REQUEST", "The file is empty: it has no header line.");
}

async function importRecords(
  database: Db,
  { shopId, runId }: { shopId: string; runId: string },
  {
    shopDomain,
    records,
    index,
    rejected,
    batchLines = 5_000,
    onProgress,
  }: Omit<CsvImportOptions, "csv"> & { records: Records; index: ColumnIndex; rejected: RejectedRow[] },
): Promise<CsvImportResult> {
  const hash = customerHasher(shopDomain);
  const orderIds = new Set<string>();
  const productIds = new Set<string>();
  let imported = 0;
  let rejectedCounted = 0;
  let batch = new OrderCsvBatch();
  // One batch is written while the next is parsed: Postgres and the parser use different cores.
  let writing: Promise<void> | null = null;
  const write = async (current: OrderCsvBatch) => {
    await database.$transaction(async (tx) => {
      const products = [...current.products.values()];
      await upsertProductBatch(tx, { shopId, products, replaceVariants: false, insertOnly: true });
      const orders = [...current.orders.values()];
      await upsertOrderBatch(tx, { shopId, source: "csv", orders, replaceLinesOf: current.firstSeen });
      // Counted with the batch it counts, so a run cut off at any point says what it stored; the
      // update moves the run's heartbeat too.
      const newlyRejected = rejected.length - rejectedCounted;
      await countImportProgress(tx, { id: runId, processed: current.lines, rejected: newlyRejected });
      rejectedCounted += newlyRejected;
    });
    imported += current.lines;
    onProgress?.({ lines: imported, rejected: rejected.length });
  };
  const drain = async () => {
    if (writing) await writing;
  };
  const flush = async () => {
    if (batch.lines === 0) return;
    const current = batch;
    batch = new OrderCsvBatch();
    await drain();
    writing = write(current);
    // A failure surfaces at the next await of `writing`; this only keeps it from being unhandled meanwhile.
    writing.catch(() => {});
  };

  try {
    await readRows();
  } catch (error) {
    // The batch being written commits (and is counted) or fails before the run is marked failed.
    await drain().catch(() => {});
    throw error;
  }
  await flush();
  await drain();
  await totalCsvOrders(database, shopId);
  await refreshFileCatalog(database, shopId);
  return { lines: imported, orders: orderIds.size, products: productIds.size, rejected };

  async function readRows() {
    for (let next = await records.next(); !next.done; next = await records.next()) {
      const record = next.value;
      if (isCsvError(record)) {
        rejected.push({ line: record.line, reason: record.error });
        continue;
      }
      if (record.fields.length === 1 && record.fields[0]!.trim() === "") continue;
      const parsed = parseOrderCsvRow(record.fields, index);
      if (!parsed.ok) {
        rejected.push({ line: record.line, reason: parsed.reason });
        continue;
      }
      const { row } = parsed;
      // A full batch is cut between orders, so an order's consecutive rows are written together and
      // a re-import finds its lines as they are.
      // (An order of more lines than four batches is cut anyway, to bound memory.)
      if ((batch.lines >= batchLines && !batch.orders.has(row.order_id)) || batch.lines >= 4 * batchLines)
        await flush();
      // The first time this run meets an order, its stored lines give way to the file's.
      if (!orderIds.has(row.order_id)) batch.firstSeen.add(row.order_id);
      batch.add(row, record.line, row.customer_id ? hash(row.customer_id) : null);
      orderIds.add(row.order_id);
      productIds.add(row.product_id);
    }
  }
}
