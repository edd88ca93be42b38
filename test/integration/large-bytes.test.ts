import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, hotQuery, readLargeBytes } from "~/db.server";
import { isolateIntegration } from "../helpers/integration";

isolateIntegration();

describe("readLargeBytes", () => {
  it("reads a value larger than one slice exactly, and null for a missing row", async () => {
    await db().$executeRawUnsafe(`CREATE TABLE "BytesProbe" (key text PRIMARY KEY, value bytea)`);
    const big = randomBytes(9 * 2 ** 20 + 123);
    await db().$executeRaw`INSERT INTO "BytesProbe" VALUES ('big', ${big}), ('empty', ${Buffer.alloc(0)})`;
    const sql = `SELECT value FROM "BytesProbe" WHERE key = $1`;
    const read = await readLargeBytes(sql, "big");
    expect(read?.length).toBe(big.length);
    expect(read?.equals(big)).toBe(true);
    expect((await readLargeBytes(sql, "empty"))?.length).toBe(0);
    expect(await readLargeBytes(sql, "missing")).toBeNull();
  });
});

describe("hotQuery", () => {
  it("survives the database closing its idle connections, and reconnects for the next query", async () => {
    const ask = () => hotQuery<{ answer: number }>("probe", "SELECT $1::int AS answer", [42]);
    expect(await ask()).toEqual([{ answer: 42 }]);
    // What a database restart does to idle pooled connections; unhandled, it would end the process.
    const [terminated] = await db().$queryRaw<Array<{ ended: number }>>`
      SELECT count(pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT $1::int%'`;
    expect(terminated?.ended).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await ask()).toEqual([{ answer: 42 }]);
  });
});
