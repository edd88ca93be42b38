import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ensureDatabase, migrate } from "~/db/migrate.server";
import { shopsAwaitingErasureTraining } from "~/models/training-runs.server";
import { withDatabase } from "../helpers/global-setup";

const name = `cua_migrate_${randomBytes(4).toString("hex")}`;
const databaseUrl = withDatabase(inject("adminDatabaseUrl"), name);
const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");

async function query<T extends pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
  url = databaseUrl,
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`DROP DATABASE IF EXISTS "${name}_data" WITH (FORCE)`);
  await admin.query(`DROP DATABASE IF EXISTS "${name}_notes" WITH (FORCE)`);
  await admin.end();
});

describe("npm run db:migrate", () => {
  it("creates the database, applies every migration once and keeps Prisma's bookkeeping", async () => {
    expect(await ensureDatabase(databaseUrl)).toBe(true);
    const first = await migrate({ databaseUrl, migrationsDir: MIGRATIONS });
    // Every committed migration folder, oldest first (branches add theirs in parallel).
    const committed = (await readdir(MIGRATIONS, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(committed).toContain("20261122000000_init");
    expect(first.applied).toEqual(committed);

    const sql = await readFile(path.join(MIGRATIONS, "20261122000000_init/migration.sql"), "utf8");
    const [row] = await query<{ checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT checksum, finished_at, applied_steps_count FROM "_prisma_migrations"
       WHERE migration_name = '20261122000000_init'`,
    );
    expect(row?.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
    expect(row?.finished_at).not.toBeNull();
    expect(row?.applied_steps_count).toBe(1);

    const again = await migrate({ databaseUrl, migrationsDir: MIGRATIONS });
    expect(again).toEqual({ applied: [], alreadyApplied: committed.length });
  });

  it("rolls a failing migration back completely and says which one failed", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    await mkdir(path.join(dir, "20261123000000_broken"));
    await writeFile(
      path.join(dir, "20261123000000_broken/migration.sql"),
      `CREATE TABLE "Half" (id int); ALTER TABLE "NoSuchTable" ADD COLUMN x int;`,
    );
    await expect(migrate({ databaseUrl, migrationsDir: dir })).rejects.toThrow(
      /20261123000000_broken failed/,
    );
    expect(await query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`)).toEqual([]);
    expect(
      await query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '20261123000000_broken'`),
    ).toEqual([]);
  });
});

describe("20261206110100_redaction_applied_version", () => {
  const url = withDatabase(inject("adminDatabaseUrl"), `${name}_data`);
  const day = (n: number, minutes = 0) => new Date(Date.UTC(2026, 11, n, 12, minutes));

  /** A shop in the shape before the migration: its versions, one erasure marked applied, the runs. */
  async function shopBefore(
    domain: string,
    {
      versions,
      redactedAt,
      appliedAt,
    }: { versions: Array<[status: string, trainedAt: Date]>; redactedAt: Date; appliedAt: Date },
  ) {
    const [shop] = await query<{ id: string }>(
      `INSERT INTO "Shop" (id, domain, "updatedAt") VALUES (gen_random_uuid(), $1, now()) RETURNING id`,
      [domain],
      url,
    );
    for (const [index, [status, trainedAt]] of versions.entries()) {
      await query(
        `INSERT INTO "ModelVersion" (id, "shopId", version, status, "trainedAt", "orderCount", "productCount",
           "customerCount", params, metrics, "trainSeconds")
         VALUES (gen_random_uuid(), $1, $2, $3, $4, 100, 10, 50, '{}', '{}', 1)`,
        [shop?.id, index + 1, status, trainedAt],
        url,
      );
      await query(
        `INSERT INTO "TrainingRun" (id, "shopId", reason, status, version, "startedAt", "finishedAt")
         VALUES (gen_random_uuid(), $1, 'redaction', 'stored', $2, $3, $3)`,
        [shop?.id, index + 1, trainedAt],
        url,
      );
    }
    await query(
      `INSERT INTO "CustomerRedaction" ("shopId", "customerKey", "redactedAt", "appliedToModelsAt")
       VALUES ($1, 'erased', $2, $3)`,
      [shop?.id, redactedAt, appliedAt],
      url,
    );
  }

  it("marks an erasure applied only where a model trained without the customer is the one that went live", async () => {
    await ensureDatabase(url);
    await migrate({
      databaseUrl: url,
      migrationsDir: MIGRATIONS,
      through: "20261206110000_delivery_payload_retention",
    });
    const erasure = { redactedAt: day(2), appliedAt: day(3, 1) };
    // The training after the erasure was rejected: the older live model still holds the customer.
    await shopBefore("rejected.myshopify.com", {
      versions: [
        ["live", day(1)],
        ["rejected", day(3)],
      ],
      ...erasure,
    });
    // An older version was restored by hand over the one trained without the customer.
    await shopBefore("restored.myshopify.com", {
      versions: [
        ["live", day(1)],
        ["retired", day(3)],
      ],
      ...erasure,
    });
    await shopBefore("promoted.myshopify.com", {
      versions: [
        ["retired", day(1)],
        ["live", day(3)],
      ],
      ...erasure,
    });
    await shopBefore("replaced.myshopify.com", {
      versions: [
        ["retired", day(1)],
        ["retired", day(3)],
        ["live", day(4)],
      ],
      ...erasure,
    });

    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS });

    const rows = await query<{ domain: string; applied: boolean; appliedInVersion: number | null }>(
      `SELECT s.domain, c."appliedToModelsAt" IS NOT NULL AS applied, c."appliedInVersion"
       FROM "CustomerRedaction" c JOIN "Shop" s ON s.id = c."shopId" ORDER BY s.domain`,
      [],
      url,
    );
    expect(rows).toEqual([
      { domain: "promoted.myshopify.com", applied: true, appliedInVersion: 2 },
      { domain: "rejected.myshopify.com", applied: false, appliedInVersion: null },
      { domain: "replaced.myshopify.com", applied: true, appliedInVersion: 2 },
      { domain: "restored.myshopify.com", applied: false, appliedInVersion: null },
    ]);
    // The sweep asks for their trainings within minutes, not only when new data comes.
    const client = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url, options: "-c TimeZone=UTC" }),
    });
    try {
      expect(await shopsAwaitingErasureTraining(client, { before: new Date() })).toEqual([
        "rejected.myshopify.com",
        "restored.myshopify.com",
      ]);
    } finally {
      await client.$disconnect();
    }
  });

  it("words a first model's training attempt as its version is worded, on the models page alike", async () => {
    const url = withDatabase(inject("adminDatabaseUrl"), `${name}_notes`);
    await ensureDatabase(url);
    await migrate({
      databaseUrl: url,
      migrationsDir: MIGRATIONS,
      through: "20261207100100_shop_offers_first_requested",
    });
    const [shop] = await query<{ id: string }>(
      `INSERT INTO "Shop" (id, domain, "updatedAt") VALUES (gen_random_uuid(), 'notes.myshopify.com', now()) RETURNING id`,
      [],
      url,
    );
    const old = "v1 · No live model; NDCG 0.3503 ± 0.0062 on 1689 holdout checkouts.";
    await query(
      `INSERT INTO "TrainingRun" (id, "shopId", reason, status, note) VALUES
         (gen_random_uuid(), $1, 'import', 'stored', $2), (gen_random_uuid(), $1, 'nightly', 'skipped', 'Too little data.')`,
      [shop!.id, old],
      url,
    );
    await migrate({ databaseUrl: url, migrationsDir: MIGRATIONS });
    const notes = await query<{ note: string }>(`SELECT note FROM "TrainingRun" ORDER BY reason`, [], url);
    expect(notes.map((row) => row.note)).toEqual([
      "v1 · Promoted with no live model to compare with: NDCG 0.3503 ± 0.0062 on 1689 holdout checkouts.",
      "Too little data.",
    ]);
  });
});
