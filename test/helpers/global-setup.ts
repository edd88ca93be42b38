import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../app/db/migrate.server";

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
    adminDatabaseUrl: string;
  }
}

/** Migrates one template database per run; each test file clones it (CREATE DATABASE ... TEMPLATE). */
export default async function setup(project: TestProject) {
  const name = `cua_tpl_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  await migrate({ databaseUrl: withDatabase(ADMIN_URL, name) });
  project.provide("templateDatabase", name);
  project.provide("adminDatabaseUrl", ADMIN_URL);
  return async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  };
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
