import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@prisma/client";
import { env } from "./env.server";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
export { Prisma };

let client: PrismaClient | undefined;

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
  client = undefined;
  await current?.$disconnect();
}
