import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, readLargeBytes } from "~/db.server";
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
