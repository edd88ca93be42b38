import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ensureDatabase, migrate } from "~/db/migrate.server";
import { withDatabase } from "../helpers/global-setup";

const name = `cua_migrate_${randomBytes(4).toString("hex")}`;
const databaseUrl = withDatabase(inject("adminDatabaseUrl"), name);
const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
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
