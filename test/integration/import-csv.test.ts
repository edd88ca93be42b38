import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { fileText } from "~/lib/text-lines.server";
import { importOrderCsv } from "~/services/import-order-csv.server";
import { csvTextOf } from "~ml";
import { isolateIntegration } from "../helpers/integration";
import { waitFor } from "../helpers/wait";

const context = isolateIntegration();
const HEADER =
  "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";

const SHOP = "csv-shop.myshopify.com";
const FIXTURE = path.join(import.meta.dirname, "../fixtures/csv/orders-with-bad-rows.csv");

async function importFixture(batchLines = 2) {
  return importOrderCsv(db(), {
    shopDomain: SHOP,
    csv: createReadStream(FIXTURE),
    batchLines,
  });
}

describe("CSV order import", () => {
  it("keeps the good rows and reports every bad one with its line number and reason", async () => {
    const result = await importFixture();
    expect(result.rejected).toEqual([
      { line: 5, reason: expect.stringMatching(/^quantity must be a whole number/) },
      { line: 6, reason: "product_id is empty" },
      { line: 7, reason: expect.stringMatching(/^unit_price must be a non-negative amount/) },
      { line: 8, reason: expect.stringMatching(/^ordered_at must be an ISO 8601 date/) },
      { line: 9, reason: "has 5 fields, expected 8" },
    ]);
    expect(result).toMatchObject({ lines: 5, orders: 3, products: 4 });
    const run = await db().importRun.findFirst({ where: { kind: "csv" }, orderBy: { startedAt: "desc" } });
    expect(run).toMatchObject({ status: "completed", processed: 5, rejected: 5 });

    const orders = await db().order.findMany({
      orderBy: { externalId: "asc" },
      include: { lines: { orderBy: { externalId: "asc" } } },
    });
    expect(orders.map((o) => [o.externalId, o.lines.length, o.totalPrice?.toString()])).toEqual([
      ["1001", 2, "19"],
      ["1002", 2, "7.5"],
      ["1008", 1, "24"],
    ]);
    expect(orders[0]?.customerKey).toBe(customerKey(SHOP, "C1"));
    expect(orders[1]?.customerKey).toBeNull();
    expect(orders[2]?.orderedAt?.toISOString()).toBe("2026-01-09T10:00:00.000Z");
    const tea = await db().product.findFirst({ where: { externalId: "P4" } });
    expect(tea?.title).toBe('Tea "Sencha"\nLoose leaf');
    const mug = await db().product.findFirst({ where: { externalId: "P1" } });
    expect(mug).toMatchObject({ title: "Mug, large", productType: "Mugs" });
  });

  it("refreshes the planner's statistics of the imported tables, so checkout's queries are planned for them", async () => {
    const analyzed = async () => {
      const rows = await db().$queryRaw<Array<{ relname: string; analyzed: boolean }>>`
        SELECT relname::text AS relname, last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL AS analyzed
        FROM pg_stat_user_tables WHERE relname IN ('Order', 'OrderLine') ORDER BY relname`;
      return rows.map((row) => [row.relname, row.analyzed]);
    };
    // The first import of the file ran above: its lines are in.
    await waitFor(async () => ((await analyzed()).every(([, done]) => done) ? true : undefined));
    expect(await analyzed()).toEqual([
      ["Order", true],
      ["OrderLine", true],
    ]);
  });

  it("changes nothing when the same file is imported again", async () => {
    const counts = async () => [
      await db().order.count(),
      await db().orderLine.count(),
      await db().product.count(),
    ];
    const before = await counts();
    await importFixture(3);
    expect(await counts()).toEqual(before);
  });

  it("reads gzipped files", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "csv-"));
    const file = path.join(dir, "orders.csv.gz");
    const csv =
      "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category\n2001,C9,P9,1,1.00,2026-02-01T00:00:00Z,Spoon,\n";
    await writeFile(file, await promisify(gzip)(csv));
    const { chunks } = await fileText(file);
    const result = await importOrderCsv(db(), { shopDomain: SHOP, csv: chunks });
    expect(result).toMatchObject({ lines: 1, orders: 1, rejected: [] });
  });

  it("refuses an empty or wrong file before anything is stored: no shop, no import record", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "csv-"));
    const empty = path.join(dir, "empty.csv");
    await writeFile(empty, "");
    const wrong = path.join(dir, "people.csv");
    await writeFile(wrong, "id,name,email\n1,Jon,jon@example.com\n");
    const shopDomain = "never-imported.myshopify.com";
    const runs = await db().importRun.count();
    for (const [file, message] of [
      [empty, /The file is empty/],
      [wrong, /the header lacks order_id, customer_id, product_id/],
    ] as const) {
      const { chunks } = await fileText(file);
      await expect(importOrderCsv(db(), { shopDomain, csv: chunks })).rejects.toThrow(message);
    }
    expect(await db().shop.findUnique({ where: { domain: shopDomain } })).toBeNull();
    expect(await db().importRun.count()).toBe(runs);
  });

  it("reports a multi-megabyte quoted field as one bad row by its line, and keeps the rows around it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "csv-"));
    const file = path.join(dir, "orders-with-a-blob.csv");
    const out = createWriteStream(file);
    const write = (text: string) =>
      out.write(text)
        ? Promise.resolve()
        : new Promise<void>((resolve) => out.once("drain", () => resolve()));
    await write(
      "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category\n",
    );
    await write("6001,C1,PA,1,2.00,2026-06-01T00:00:00Z,A,\n");
    // Line 3: a product title of 24 MB in quotes, written in 1 MB pieces.
    await write('6002,C1,PB,1,2.00,2026-06-01T00:00:00Z,"');
    const piece = `blob, with commas and ""quotes"" `.repeat(32 * 1024).slice(0, 2 ** 20);
    for (let i = 0; i < 24; i++) await write(piece);
    await write('",Blobs\n');
    await write("6003,C2,PC,1,2.00,2026-06-01T00:00:00Z,C,\n");
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );

    const shopDomain = "blob-shop.myshopify.com";
    const { chunks } = await fileText(file);
    const result = await importOrderCsv(db(), { shopDomain, csv: chunks });
    expect(result.rejected).toEqual([{ line: 3, reason: expect.stringMatching(/^record is longer than/) }]);
    expect(result).toMatchObject({ lines: 2, orders: 2 });
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: shopDomain } });
    const orders = await db().order.findMany({ where: { shopId: shop.id }, orderBy: { externalId: "asc" } });
    expect(orders.map((o) => o.externalId)).toEqual(["6001", "6003"]);
    const run = await db().importRun.findFirstOrThrow({ where: { shopId: shop.id } });
    expect(run).toMatchObject({ status: "completed", processed: 2, rejected: 1 });
  });

  it("gives an order exactly the lines of a re-exported file, with rows moved, removed or added", async () => {
    const header =
      "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";
    async function* file(rows: string[]) {
      yield header;
      yield* rows;
    }
    const first = ["3001,C7,PA,1,2.00,2026-03-01T10:00:00Z,A,", "3001,C7,PB,2,3.00,2026-03-01T10:00:00Z,B,"];
    await importOrderCsv(db(), { shopDomain: SHOP, csv: csvTextOf(file(first)) });
    // A newer export: other orders first, 3001's rows moved down, PB dropped, PC added.
    const second = [
      "3002,C8,PA,1,2.00,2026-03-02T10:00:00Z,A,",
      "3001,C7,PC,1,5.00,2026-03-01T10:00:00Z,C,",
      "3001,C7,PA,1,2.00,2026-03-01T10:00:00Z,A,",
    ];
    await importOrderCsv(db(), { shopDomain: SHOP, csv: csvTextOf(file(second)), batchLines: 1 });
    const order = await db().order.findFirstOrThrow({
      where: { externalId: "3001" },
      include: { lines: true },
    });
    expect(order.lines.map((l) => l.productId).sort()).toEqual(["PA", "PC"]);
    expect(order.totalPrice?.toString()).toBe("7");
  });

  it("keeps an order's customer and date when a later row of it leaves them empty", async () => {
    async function* file() {
      yield "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";
      yield "4001,C9,PA,1,2.00,2026-04-01T08:00:00,A,";
      yield "4001,,PB,1,3.00,,B,";
    }
    await importOrderCsv(db(), { shopDomain: SHOP, csv: csvTextOf(file()), batchLines: 1 });
    const order = await db().order.findFirstOrThrow({ where: { externalId: "4001" } });
    expect(order.customerKey).toBe(customerKey(SHOP, "C9"));
    // No offset in the file: read as UTC, whatever the machine's zone.
    expect(order.orderedAt?.toISOString()).toBe("2026-04-01T08:00:00.000Z");
  });

  it("never changes a product the shop already has, and rejects implausible amounts", async () => {
    const shop = await db().shop.findUniqueOrThrow({ where: { domain: SHOP } });
    await db().product.create({
      data: {
        shopId: shop.id,
        externalId: "PZ",
        title: "Archived kettle",
        status: "ARCHIVED",
        available: false,
        tags: ["old"],
      },
    });
    async function* file() {
      yield "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category";
      yield "5001,C1,PZ,1,9.00,2026-05-01T00:00:00Z,Kettle,Gear";
      yield "5002,C1,PY,1000000,99999.00,2026-05-01T00:00:00Z,Huge,Gear";
    }
    const result = await importOrderCsv(db(), { shopDomain: SHOP, csv: csvTextOf(file()) });
    expect(result.rejected).toEqual([
      { line: 3, reason: expect.stringMatching(/^quantity times unit_price is implausibly large/) },
    ]);
    const product = await db().product.findFirstOrThrow({ where: { shopId: shop.id, externalId: "PZ" } });
    expect(product).toMatchObject({
      title: "Archived kettle",
      status: "ARCHIVED",
      available: false,
      tags: ["old"],
    });
  });

  it("counts lines as their batches commit, so a run cut off midway says what it stored", async () => {
    const shopDomain = "cut-off.myshopify.com";
    let release!: () => void;
    const killed = new Promise<void>((resolve) => {
      release = resolve;
    });
    // One chunk per line, so the rows before the cut reach the import.
    async function* lines() {
      yield `${HEADER}\n`;
      for (let day = 1; day <= 6; day++)
        yield `${3000 + day},C1,P1,1,2.00,2026-01-0${day}T10:00:00Z,Mug,Mugs\n`;
      // The process dies here: nothing after this point runs.
      await killed;
      throw new Error("killed");
    }
    const importing = importOrderCsv(db(), { shopDomain, csv: lines(), batchLines: 2 }).catch(() => {});
    // Batches are cut between orders: the third waits for the row after it, which never comes.
    const run = await waitFor(async () => {
      const current = await db().importRun.findFirst({ where: { shop: { domain: shopDomain } } });
      return current?.processed === 4 ? current : undefined;
    }, 5_000);
    expect(run.status).toBe("running");
    expect(await db().orderLine.count({ where: { order: { shop: { domain: shopDomain } } } })).toBe(4);
    release();
    await importing;
  });

  it("records a truncated gzip file as failed with the lines it stored, and tells the user in one line", async () => {
    const shopDomain = "truncated.myshopify.com";
    const dir = await mkdtemp(path.join(tmpdir(), "csv-"));
    const file = path.join(dir, "orders.csv.gz");
    const rows = Array.from(
      { length: 12_000 },
      (_, i) =>
        `${10_000 + i},C${(i * 7919) % 1009},P${(i * 104_729) % 997},${1 + (i % 3)},${(i % 89) + 0.5},2026-01-01T00:00:00Z,Item ${i},`,
    );
    const gzipped = await promisify(gzip)([HEADER, ...rows, ""].join("\n"));
    await writeFile(file, gzipped.subarray(0, Math.floor(gzipped.length * 0.75)));

    const cli = spawnSync(
      path.resolve("node_modules/.bin/tsx"),
      ["app/cli/import.ts", "--shop", shopDomain, "--file", file],
      { env: { ...process.env, DATABASE_URL: context.databaseUrl, LOG_LEVEL: "silent" }, encoding: "utf8" },
    );
    expect(cli.status).toBe(1);
    const messages = cli.stderr
      .split(/[\r\n]+/)
      .filter((line) => line.trim() && !line.startsWith("Importing"));
    expect(messages).toEqual([expect.stringMatching(/cut short or damaged/)]);

    const run = await db().importRun.findFirstOrThrow({ where: { shop: { domain: shopDomain } } });
    const stored = await db().orderLine.count({ where: { order: { shop: { domain: shopDomain } } } });
    expect(stored).toBeGreaterThan(0);
    expect(run).toMatchObject({
      status: "failed",
      processed: stored,
      error: expect.stringMatching(/cut short/),
    });
  });
});
