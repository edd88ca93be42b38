import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { disconnectDb } from "../../app/db.server";
import { closeQueues } from "../../app/jobs/queues.server";
import { closeRequestRedis } from "../../app/redis.server";
import { closeServing } from "../../app/serving/serving.server";
import { withDatabase } from "./global-setup";
import { deleteKeys } from "./redis-keys";

export interface IntegrationContext {
  databaseUrl: string;
  queuePrefix: string;
  redisUrl: string;
}

/**
 * Gives the calling test file its own database (a clone of the migrated template) and its own
 * BullMQ key prefix, and removes both afterwards. Call at the top level of the file.
 */
export function isolateIntegration({ redisUrl = "redis://127.0.0.1:6379" }: { redisUrl?: string } = {}) {
  const suffix = randomBytes(5).toString("hex");
  const context: IntegrationContext = {
    databaseUrl: withDatabase(inject("adminDatabaseUrl"), `cua_test_${suffix}`),
    queuePrefix: `cua-test-${suffix}`,
    redisUrl,
  };
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
    await admin.connect();
    await admin.query(`CREATE DATABASE "cua_test_${suffix}" TEMPLATE "${inject("templateDatabase")}"`);
    await admin.end();
    process.env.DATABASE_URL = context.databaseUrl;
    process.env.QUEUE_PREFIX = context.queuePrefix;
    process.env.REDIS_URL = context.redisUrl;
  });
  afterAll(async () => {
    await closeQueues();
    closeServing();
    closeRequestRedis();
    await disconnectDb();
    await deleteKeys("redis://127.0.0.1:6379", context.queuePrefix);
    const admin = new pg.Client({ connectionString: inject("adminDatabaseUrl") });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "cua_test_${suffix}" WITH (FORCE)`);
    await admin.end();
  });
  return context;
}
