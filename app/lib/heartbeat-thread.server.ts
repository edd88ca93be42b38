import { once } from "node:events";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * The thread's own code: a Postgres connection of its own that runs one statement every `everyMs`
 * until told to stop. Failed beats are dropped: the next one tries again.
 */
const THREAD_CODE = `
const { parentPort, workerData } = require("node:worker_threads");
const pg = require(workerData.pgPath);
const client = new pg.Client({ connectionString: workerData.databaseUrl, options: "-c TimeZone=UTC" });
client.on("error", () => {});
let timer;
let stopped = false;
const beat = () => client.query(workerData.statement, workerData.params).catch(() => {});
client.connect().then(() => {
  if (stopped) return;
  beat();
  timer = setInterval(beat, workerData.everyMs);
}, () => {});
parentPort.once("message", () => {
  stopped = true;
  clearInterval(timer);
  client.end().catch(() => {}).finally(() => parentPort.close());
});
`;

const pgPath = createRequire(import.meta.url).resolve("pg");

/**
 * Runs `statement` every `everyMs` on a thread of its own, so a record's heartbeat keeps moving
 * while the main thread is held for minutes by CPU-bound work (a training's fit): only the death of
 * the process stops it. Returns the function that stops it.
 */
export function startHeartbeatThread({
  databaseUrl,
  statement,
  params,
  everyMs,
}: {
  databaseUrl: string;
  statement: string;
  params: unknown[];
  everyMs: number;
}): () => Promise<void> {
  const thread = new Worker(THREAD_CODE, {
    eval: true,
    workerData: { pgPath, databaseUrl, statement, params, everyMs },
  });
  // A heartbeat never keeps the process alive, nor fails it.
  thread.unref();
  thread.on("error", () => {});
  return async () => {
    const exited = once(thread, "exit");
    thread.postMessage("stop");
    const late = setTimeout(() => void thread.terminate(), 2_000);
    await exited.catch(() => {});
    clearTimeout(late);
  };
}
