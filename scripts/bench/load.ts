/**
 * HTTP load for the benches: child servers started and stopped by port, and autocannon runs that
 * cycle through prepared requests and time every response themselves (autocannon's own histogram
 * keeps whole milliseconds and has no p95).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { createRng } from "~ml";

export interface PreparedRequest {
  headers: Record<string, string>;
  /** the body, or a function giving the body of each request made from it */
  body: string | (() => string);
  /** Poisson runs: where this request goes, instead of the run's url; its latencies are reported by path */
  url?: string;
}

export interface LoadResult {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers whose body failed the check */
  mismatches: number;
  /** CPU time the server's processes spent per answered request (user + system), when it was given */
  serverCpuMs?: number;
  /**
   * Poisson runs: p99 of how late the load generator sent a request after its scheduled arrival.
   * It shares the machine with the server, and its own delays count in the latencies.
   */
  senderLateP99?: number;
  /** Poisson runs whose requests name their url: the latencies of each path */
  byPath?: Record<string, Pick<LoadResult, "requests" | "p50" | "p95" | "p99" | "max">>;
}

/**
 * CPU seconds (user + system) used so far by a process and its descendants, from /proc: what a
 * request really costs the server, whatever else runs on the machine. 0 where /proc is missing.
 */
export function processTreeCpuSeconds(pid: number): number {
  const ticks = 100; // USER_HZ, 100 on every Linux platform Node runs on
  let total = 0;
  const visit = (id: number) => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, "utf8");
      // Fields after the command name (which may hold spaces), from the state field on.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
      for (const child of readFileSync(`/proc/${id}/task/${id}/children`, "utf8").split(" ")) {
        if (child.trim()) visit(Number(child));
      }
    } catch {
      // the process exited, or no /proc
    }
  };
  visit(pid);
  return total;
}

/** Starts `node <args>` and resolves once something answers HTTP on the port. */
export async function startServer({
  args,
  env,
  port,
  onLine,
}: {
  args: string[];
  env: Record<string, string>;
  port: number;
  /** given each line the server writes to stdout (its logs); without it stdout is dropped */
  onLine?: (line: string) => void;
}): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", onLine ? "pipe" : "ignore", "inherit"],
  });
  if (onLine && child.stdout) {
    createInterface({ input: child.stdout }).on("line", onLine);
  }
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`${args.join(" ")} exited with ${code} before listening`);
  });
  exited.catch(() => {});
  for (let i = 0; i < 600; i++) {
    const up = await Promise.race([
      fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (up) return child;
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error(`${args.join(" ")} did not listen on port ${port} within a minute`);
}

/** SIGTERM, then SIGKILL if it has not exited within five seconds. */
export async function stopServer(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function percentile(sorted: Float64Array, p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The latency percentiles of a run's answered requests and, with the server's process, its CPU
 * time per answered request since `cpuBefore` (processTreeCpuSeconds).
 */
export function summarize(
  times: number[],
  answered: number,
  server?: { pid: number; cpuBefore: number },
): Pick<LoadResult, "p50" | "p95" | "p99" | "max" | "serverCpuMs"> {
  const sorted = Float64Array.from(times).sort();
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    ...(server && answered > 0
      ? { serverCpuMs: round(((processTreeCpuSeconds(server.pid) - server.cpuBefore) * 1000) / answered) }
      : {}),
  };
}

/**
 * POSTs the prepared requests in turn to `url` for `seconds`, at `overallRate` requests per second
 * in total or, without it, as fast as the connections allow. Latency is each 2xx response's time
 * from the request written to the response read, on the sender's clock.
 */
export async function drive({
  label,
  url,
  pool,
  connections,
  seconds,
  overallRate,
  verifyBody,
  serverPid,
}: {
  label: string;
  url: string;
  pool: PreparedRequest[];
  connections: number;
  seconds: number;
  overallRate?: number;
  verifyBody: (body: string) => boolean;
  /** the server's process, to report its CPU time per request */
  serverPid?: number;
}): Promise<LoadResult> {
  let next = 0;
  const cpuBefore = serverPid ? processTreeCpuSeconds(serverPid) : 0;
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        // Its correction for a rate assumes requests 1 ms apart whatever the rate; the times below
        // are the real ones.
        ...(overallRate ? { overallRate, ignoreCoordinatedOmission: true } : {}),
        verifyBody: (body) => verifyBody(String(body)),
        requests: [
          {
            method: "POST",
            setupRequest: (request) => {
              const prepared = pool[next++ % pool.length]!;
              return {
                ...request,
                headers: { ...request.headers, ...prepared.headers },
                body: typeof prepared.body === "string" ? prepared.body : prepared.body(),
              };
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
  });
  return {
    label,
    connections: result.connections,
    seconds: result.duration,
    requests: result.requests.total,
    perSecond: Math.round(result["2xx"] / result.duration),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    ...summarize(times, result["2xx"], serverPid ? { pid: serverPid, cpuBefore } : undefined),
  };
}

/**
 * Offers `rate` requests per second for `seconds` as an open system, the way independent checkouts
 * arrive: a Poisson process (seeded exponential gaps) that never waits for the server. Each latency
 * counts from the request's scheduled arrival, so time lost behind a slow answer, waiting for a
 * connection or to a late timer is included (no coordinated omission). autocannon's rate mode
 * instead sends each connection's share of a second back to back at the top of the second, a burst
 * that steady traffic never makes.
 */
export async function driveOpenLoop({
  label,
  url,
  pool,
  rate,
  seconds,
  verifyBody,
  serverPid,
  seed = 1,
  onMeasure,
}: {
  label: string;
  url: string;
  pool: PreparedRequest[];
  rate: number;
  seconds: number;
  verifyBody: (body: string) => boolean;
  serverPid?: number;
  seed?: number;
  /** called when the warm-up ends and the measured run starts, and with false when it ends */
  onMeasure?: (measuring: boolean) => void;
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  // A few seconds first, unrecorded, so the connections a proxy would keep open are open.
  await offerOpenLoop({ agent, url, pool, rate, seconds: 3, verifyBody, seed: seed + 1 });
  const cpuBefore = serverPid ? processTreeCpuSeconds(serverPid) : 0;
  onMeasure?.(true);
  const { counts, times, late, peak, timesByPath } = await offerOpenLoop({
    agent,
    url,
    pool,
    rate,
    seconds,
    verifyBody,
    seed,
  });
  onMeasure?.(false);
  agent.destroy();
  return {
    label,
    connections: peak,
    seconds,
    requests: counts.sent,
    perSecond: Math.round(counts.ok / seconds),
    non2xx: counts.non2xx,
    errors: counts.errors,
    timeouts: 0,
    mismatches: counts.mismatches,
    ...summarize(times, counts.ok, serverPid ? { pid: serverPid, cpuBefore } : undefined),
    senderLateP99: round(percentile(Float64Array.from(late).sort(), 99)),
    ...(timesByPath.size > 0
      ? {
          byPath: Object.fromEntries(
            [...timesByPath].map(([path, pathTimes]) => [
              path,
              { requests: pathTimes.length, ...summarize(pathTimes, pathTimes.length) },
            ]),
          ),
        }
      : {}),
  };
}

async function offerOpenLoop({
  agent,
  url,
  pool,
  rate,
  seconds,
  verifyBody,
  seed,
}: {
  agent: Agent;
  url: string;
  pool: PreparedRequest[];
  rate: number;
  seconds: number;
  verifyBody: (body: string) => boolean;
  seed: number;
}) {
  const random = createRng(seed);
  const counts = { ok: 0, non2xx: 0, errors: 0, mismatches: 0, sent: 0 };
  const times: number[] = [];
  const timesByPath = new Map<string, number[]>();
  const late: number[] = [];
  let inFlight = 0;
  let peak = 0;
  const send = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const prepared = pool[counts.sent++ % pool.length]!;
      late.push(performance.now() - scheduled);
      const body = typeof prepared.body === "string" ? prepared.body : prepared.body();
      inFlight++;
      peak = Math.max(peak, inFlight);
      const done = () => {
        inFlight--;
        resolve();
      };
      const target = prepared.url ?? url;
      const request = httpRequest(target, {
        method: "POST",
        agent,
        headers: { ...prepared.headers, "content-length": Buffer.byteLength(body) },
      });
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) counts.non2xx++;
          else if (!verifyBody(Buffer.concat(chunks).toString("utf8"))) counts.mismatches++;
          else {
            counts.ok++;
            const ms = performance.now() - scheduled;
            times.push(ms);
            if (prepared.url) {
              const path = new URL(prepared.url).pathname;
              const pathTimes = timesByPath.get(path) ?? [];
              pathTimes.push(ms);
              timesByPath.set(path, pathTimes);
            }
          }
          done();
        });
      });
      request.on("error", () => {
        counts.errors++;
        done();
      });
      request.end(body);
    });
  const pending: Promise<void>[] = [];
  const start = performance.now() + 10;
  const end = start + seconds * 1000;
  let next = start;
  while (next < end) {
    const wait = next - performance.now();
    if (wait > 1) await sleep(wait - 1);
    // Everything due by now goes out, each timed from its own scheduled arrival.
    while (next < end && next <= performance.now() + 0.5) {
      pending.push(send(next));
      next += (-Math.log(1 - random()) * 1000) / rate;
    }
  }
  await Promise.all(pending);
  return { counts, times, late, peak, timesByPath };
}
