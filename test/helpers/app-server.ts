import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const BUILT = "build/server/index.js";
const SOURCES = ["app", "packages", "public", "vite.config.ts", "package.json", "server.mjs"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (/\.test\.tsx?$/.test(entry)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Builds the app (remix vite:build) unless the build is newer than every source file. */
export function ensureBuild(): "reused" | "built" {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > Math.max(...SOURCES.map(newestMtime))) return "reused";
  const result = spawnSync("npx", ["remix", "vite:build"], { stdio: "pipe", encoding: "utf8" });
  if (result.status !== 0) throw new Error(`The app build failed:\n${result.stdout}\n${result.stderr}`);
  return "built";
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the production server (node server.mjs) with the test's environment, once it answers. */
export async function startAppServer(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn("node", ["server.mjs"], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: "production",
      PORT: String(port),
      SHOPIFY_APP_URL: url,
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app server exited (${child.exitCode}):\n${stderr}`);
    const up = await fetch(`${url}/favicon.ico`).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`The app server did not start within 30 s:\n${stderr}`);
    await sleep(100);
  }
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface BodyAnswer {
  status: number;
  body: string;
  /** body bytes written before the answer came */
  sent: number;
  ms: number;
}

/**
 * POSTs a body of `size` bytes in 64 KB pieces, with its Content-Length when `declared`, chunked
 * otherwise, and stops sending once the server answers: a server that refuses early never gets the
 * rest. `first` opens the body (a JSON prefix); the rest are spaces.
 */
export async function postLargeBody(
  url: string,
  {
    size,
    declared,
    headers = {},
    first = "",
  }: { size: number; declared: boolean; headers?: Record<string, string>; first?: string },
): Promise<BodyAnswer> {
  const started = performance.now();
  const piece = Buffer.alloc(64 * 1024, " ");
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const request = httpRequest(url, {
      method: "POST",
      agent: false,
      headers: { ...headers, ...(declared ? { "Content-Length": String(size) } : {}) },
    });
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString("utf8"),
          sent,
          ms: performance.now() - started,
        });
        request.destroy();
      });
    });
    // Once the server has answered and closed, writing on is refused: that is the point.
    request.on("error", (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && !request.destroyed && sent < size) {
        const chunk =
          sent === 0 && first ? Buffer.from(first) : piece.subarray(0, Math.min(piece.length, size - sent));
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", write);
      }
      if (sent >= size && !answered) request.end();
    };
    write();
  });
}

export interface PlainAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request on a connection of its own: the cluster hands each new connection to the next worker,
 * where fetch would keep reusing one connection, and so one worker.
 */
export function requestOnNewConnection(
  url: string,
  {
    method = "GET",
    headers = {},
    body,
  }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, agent: false, headers });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}
