import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { recordWebhook } from "~/services/record-webhook.server";
import { webhookFixture } from "../fixtures/webhooks";
import { isolateIntegration } from "../helpers/integration";
import { TEST_SHOP } from "../helpers/shopify";
import { waitFor } from "../helpers/wait";

const context = isolateIntegration();
const ROOT = path.resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];

/** Starts a worker process as `npm run worker` does, and resolves once its workers are listening. */
function startWorkerProcess(overrides: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(
    path.join(ROOT, "node_modules/.bin/node"),
    ["--import", "tsx", "app/jobs/worker.server.ts"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "development",
        LOG_LEVEL: "info",
        DATABASE_URL: context.databaseUrl,
        REDIS_URL: context.redisUrl,
        QUEUE_PREFIX: context.queuePrefix,
        WORKER_CONCURRENCY: "4",
        ...overrides,
      },
      stdio: ["ignore", "pipe", "inherit"],
      // Its own process group, so a forced stop reaches anything it started.
      detached: true,
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes('"workers started"')) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

function signal(child: ChildProcess, name: NodeJS.Signals) {
  if (child.pid && child.exitCode === null) process.kill(-child.pid, name);
}

afterAll(() => {
  for (const child of children) signal(child, "SIGKILL");
});

describe("several worker processes on one queue", () => {
  it("process every job exactly once, even when one of them stops midway", async () => {
    const [first, second] = await Promise.all([startWorkerProcess(), startWorkerProcess()]);
    const total = 300;
    for (let id = 1; id <= total; id++) {
      await recordWebhook(db(), {
        shop: TEST_SHOP,
        topic: "orders/create",
        payload: { ...webhookFixture<Record<string, unknown>>("orders-create"), id },
        webhookId: crypto.randomUUID(),
        eventId: crypto.randomUUID(),
        apiVersion: "2026-10",
        triggeredAt: null,
      });
      if (id === total / 3) {
        // A clean stop: the process finishes its active jobs, then exits.
        signal(first!, "SIGTERM");
      }
    }
    const exitCode = await new Promise((resolve) =>
      first!.exitCode === null ? first!.once("exit", resolve) : resolve(first!.exitCode),
    );
    expect(exitCode).toBe(0);
    await waitFor(
      async () => (await db().webhookDelivery.count({ where: { status: "processed" } })) === total,
      60_000,
    );
    expect(await db().order.count()).toBe(total);
    expect(await db().orderLine.count()).toBe(total * 2);

    const ingest = new Queue("ingest", {
      connection: { url: context.redisUrl },
      prefix: context.queuePrefix,
    });
    const jobs = (await ingest.getJobs(["completed"], 0, -1)).filter((job) => job.name === "process-webhook");
    await ingest.close();
    expect(jobs).toHaveLength(total);
    expect(jobs.every((job) => job.attemptsStarted === 1 && job.returnvalue === "processed")).toBe(true);
    // Both processes took jobs (a worker's name is host:pid).
    expect(new Set(jobs.map((job) => job.processedBy)).size).toBe(2);
    signal(second!, "SIGTERM");
  });
});

/** The nice value of each thread of a process (Linux keeps one per thread; field 19 of its stat). */
function threadNiceness(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[16]);
  });
}

describe("a worker process that trains", () => {
  it("runs below the priority of serving, every thread of it, and one that does not train stays as it was", async () => {
    const [training, ingesting] = await Promise.all([
      startWorkerProcess({ WORKER_QUEUES: "train", TRAIN_NICE: "7" }),
      startWorkerProcess({ WORKER_QUEUES: "ingest" }),
    ]);
    expect(getPriority(training.pid)).toBe(7);
    const threads = threadNiceness(training.pid!);
    expect(threads.length).toBeGreaterThan(1);
    expect(threads.every((nice) => nice === 7)).toBe(true);
    expect(getPriority(ingesting.pid)).toBe(getPriority());
    signal(training, "SIGTERM");
    signal(ingesting, "SIGTERM");
  });
});
