/**
 * A training running beside the server: a worker process serving the train queue, as
 * `WORKER_QUEUES=train npm run worker` starts it, kept busy training the bench shop back to back.
 * Imported once the environment points at the scratch database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureQueued } from "~/jobs/queues.server";
import { trainingJobId } from "~/services/request-training.server";
import { stopServer } from "./load";

/** Resolves once the worker has started its queues. */
async function startTrainingWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/worker.server.ts"], {
    // Logging at info: its "workers started" line says it is ready.
    env: { ...process.env, ...env, NODE_ENV: "development", LOG_LEVEL: "info", WORKER_QUEUES: "train" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the training worker exited with ${code}`);
  });
  exited.catch(() => {});
  const started = new Promise<void>((resolve) =>
    lines.on("line", (line) => line.includes('"workers started"') && resolve()),
  );
  await Promise.race([started, exited]);
  return child;
}

/**
 * Starts the worker and keeps a training of the shop queued or running; resolves once the first
 * one runs. `stop` ends the trainings and the worker.
 */
export async function startTraining({
  shopDomain,
  env,
}: {
  shopDomain: string;
  /** the server's environment, with TRAIN_NICE when it is to differ from the default */
  env: Record<string, string>;
}): Promise<{ worker: ChildProcess; stop: () => Promise<void> }> {
  const worker = await startTrainingWorker(env);
  const stopped = new AbortController();
  const payload = { shopDomain, reason: "manual" as const };
  const queue = () => ensureQueued("train", payload, { jobId: trainingJobId(shopDomain) });
  const keepQueued = async () => {
    while (!stopped.signal.aborted) {
      await queue();
      await sleep(200);
    }
  };
  const stop = async () => {
    stopped.abort();
    await running;
    await stopServer(worker);
  };
  const running = keepQueued();
  for (let i = 0; i < 600; i++) {
    if ((await queue()) === "active") return { worker, stop };
    await sleep(100);
  }
  await stop();
  throw new Error("no training started within a minute");
}
