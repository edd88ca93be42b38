import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@prisma/client";
import pg from "pg";
import { env } from "./env.server";
import { describeError } from "./lib/errors";
import { logger } from "./logger.server";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
export { Prisma };

let client: PrismaClient | undefined;
let bytesPool: pg.Pool | undefined;
let hotPool: pg.Pool | undefined;

/** The shared Prisma client, created on first use (importing this module connects to nothing). */
export function db(): PrismaClient {
  // UTC sessions: now() and CURRENT_TIMESTAMP must not depend on the server's time zone setting.
  client ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: env().DATABASE_URL, options: "-c TimeZone=UTC" }),
  });
  return client;
}

export async function disconnectDb(): Promise<void> {
  const current = client;
  const pools = [bytesPool, hotPool];
  client = undefined;
  bytesPool = undefined;
  hotPool = undefined;
  await Promise.all([current?.$disconnect(), ...pools.map((pool) => pool?.end())]);
}

/**
 * Runs one statement of a checkout's request path with node-postgres, as a named prepared
 * statement: it holds the event loop several times less than the same statement through Prisma,
 * and a batch of experiment exposures through Prisma's createMany stalled the checkouts waiting
 * behind it. Everything else uses Prisma.
 */
export async function hotQuery<Row extends pg.QueryResultRow>(
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  hotPool ??= createPool(10);
  const result = await hotPool.query<Row>({ name, text, values });
  return result.rows;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  // SQLSTATE: the server shutting down, crashed, starting up; too many connections
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/**
 * Whether a node-postgres error is about the connection (the database down, unreachable or
 * restarting) rather than about the statement: then any other statement would fail the same way.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // SQLSTATE class 08: connection exception
  if (typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connection error/i.test(
    error.message,
  );
}

/**
 * bytes per slice: node-postgres decodes a slice in one go (its hex text, then the bytes), about a
 * millisecond per 50 KB, so a 4 MB slice held a server for tens of milliseconds during a promotion
 */
const BYTES_SLICE = 256 * 2 ** 10;

/**
 * Reads a large bytea value in slices, so that decoding it (node-postgres turns the hex text into
 * bytes on the event loop) never holds the process for long: a 60 MB model read through Prisma held
 * a server for about 4 s, in slices no request waits more than one slice. `sql` selects exactly one
 * bytea column from one row with $1 as its key; null when there is no such row.
 */
export async function readLargeBytes(sql: string, key: string): Promise<Buffer | null> {
  bytesPool ??= createPool(2);
  const source = `(${sql}) AS source(value)`;
  const size = await bytesPool.query<{ size: number | null }>(
    `SELECT octet_length(value)::int AS size FROM ${source}`,
    [key],
  );
  const total = size.rows[0]?.size;
  if (total === undefined || total === null) return null;
  // Each slice is copied in as it comes: joining them at the end would copy the whole value at once.
  const bytes = Buffer.allocUnsafe(total);
  for (let from = 0; from < total; from += BYTES_SLICE) {
    const slice = await bytesPool.query<{ part: Buffer }>(
      `SELECT substring(value FROM $2::int + 1 FOR $3::int) AS part FROM ${source}`,
      [key, from, BYTES_SLICE],
    );
    const part = slice.rows[0]!.part;
    if (part.length !== Math.min(BYTES_SLICE, total - from))
      throw new Error(`${key} changed while it was read`);
    part.copy(bytes, from);
    // Let waiting requests run between slices.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return bytes;
}

/**
 * A node-postgres pool in UTC sessions. An idle connection the server closes (a restart, a
 * terminated backend) is reported on the pool, which without a listener would end the process;
 * it is logged, and the pool opens a new connection for the next query.
 */
function createPool(max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: env().DATABASE_URL, max, options: "-c TimeZone=UTC" });
  pool.on("error", (error) =>
    logger().warn({ error: describeError(error) }, "idle database connection lost"),
  );
  return pool;
}
