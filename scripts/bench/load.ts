/**
 * HTTP load for the benches: child servers started and stopped by port, and drivers that run units
 * of load (a checkout: its offers request, then the events batch built from the answer) against a
 * server, closed loop (so many connections, each starting its next unit when the last ends) or open
 * loop (units arriving independently at a rate). Every timed request is timed here, not by a tool.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { createRng } from "~ml";

export interface Answer {
  status: number;
  /** decoded when it came compressed */
  body: string;
}

export interface OutgoingRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** the request whose latency the run reports (one per unit) */
  timed?: boolean;
}

/** Sends one request of a unit; rejects on a status other than 2xx or a network error. */
export type Send = (request: OutgoingRequest) => Promise<Answer>;

/** One unit of load: its requests in turn, each built from the answers before it; throws on a wrong answer. */
export type Unit = (send: Send) => Promise<void>;

export interface LoadResult {
  label: string;
  seconds: number;
  /** units completed with every answer right */
  units: number;
  perSecond: number;
  /** HTTP requests sent */
  requests: number;
  /** failed units by cause: the status, "network" or "body" */
  failures: Record<string, number>;
  failed: number;
  /** latencies of the timed requests, ms */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** CPU time the server's processes spent per completed unit (user + system), when given its pid */
  serverCpuMs?: number;
  /**
   * Open loop: p99 of how late the driver started a unit after its scheduled arrival. It shares the
   * machine with the server, and its own delays count in the latencies.
   */
  senderLateP99?: number;
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

/** The percentiles of a run's latencies, ms. */
export function summarize(times: number[]): Pick<LoadResult, "p50" | "p95" | "p99" | "max"> {
  const sorted = Float64Array.from(times).sort();
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

class StatusError extends Error {}

function decoded(encoding: string | undefined, raw: Buffer): string {
  if (encoding === "gzip") return gunzipSync(raw).toString("utf8");
  if (encoding === "br") return brotliDecompressSync(raw).toString("utf8");
  if (encoding === "deflate") return inflateSync(raw).toString("utf8");
  return raw.toString("utf8");
}

interface Target {
  label: string;
  /** the server's origin, such as http://127.0.0.1:3900 */
  origin: string;
  /** the next unit to run; called once per unit */
  nextUnit: () => Unit;
  /** the server's process, to report its CPU time per unit */
  serverPid?: number;
  /** given each timed answer: when its unit started (performance.now()) and its latency */
  onTimed?: (startedAt: number, ms: number, answer: Answer) => void;
  /** unrecorded seconds first, so connections are open and caches warm (default 3) */
  warmUpSeconds?: number;
}

/** What one recorded stretch of a run counted. */
class Tally {
  units = 0;
  requests = 0;
  failures: Record<string, number> = {};
  times: number[] = [];
  late: number[] = [];
  inFlight = 0;

  /** Runs a unit started (or scheduled) at `startedAt`, timing its timed request from then. */
  async run(agent: Agent, target: Target, startedAt: number) {
    this.inFlight++;
    const send: Send = (request) => {
      this.requests++;
      return exchange(agent, target.origin, request).then((answer) => {
        if (request.timed) {
          const ms = performance.now() - startedAt;
          this.times.push(ms);
          target.onTimed?.(startedAt, ms, answer);
        }
        return answer;
      });
    };
    try {
      await target.nextUnit()(send);
      this.units++;
    } catch (error) {
      const cause =
        error instanceof StatusError ? error.message : (error as { code?: string }).code ? "network" : "body";
      this.failures[cause] = (this.failures[cause] ?? 0) + 1;
    } finally {
      this.inFlight--;
    }
  }

  result(target: Target, seconds: number, cpu: { pid?: number; before: number }): LoadResult {
    const failed = Object.values(this.failures).reduce((sum, n) => sum + n, 0);
    const latencies = summarize(this.times);
    const perSecond = Math.round((this.units / seconds) * 10) / 10;
    console.error(`${target.label}: ${perSecond}/s, p99 ${latencies.p99} ms, ${failed} failed`);
    return {
      label: target.label,
      seconds,
      units: this.units,
      perSecond,
      requests: this.requests,
      failures: this.failures,
      failed,
      ...latencies,
      ...(cpu.pid && this.units > 0
        ? { serverCpuMs: round(((processTreeCpuSeconds(cpu.pid) - cpu.before) * 1000) / this.units) }
        : {}),
      ...(this.late.length > 0
        ? { senderLateP99: round(percentile(Float64Array.from(this.late).sort(), 99)) }
        : {}),
    };
  }
}

function exchange(agent: Agent, origin: string, { path, headers, body }: OutgoingRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${origin}${path}`, {
      method: "POST",
      agent,
      headers: { ...headers, "content-length": Buffer.byteLength(body) },
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status < 200 || status >= 300) return reject(new StatusError(String(status)));
        try {
          resolve({ status, body: decoded(response.headers["content-encoding"], Buffer.concat(chunks)) });
        } catch (error) {
          reject(error);
        }
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Saturation: `connections` connections each run one unit after another for `seconds`, as fast as
 * the server answers. The rate is the units completed per second; latencies count from each unit's
 * start.
 */
export async function driveClosedLoop(
  target: Target & { connections: number; seconds: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: target.connections });
  const stretch = async (seconds: number) => {
    const tally = new Tally();
    const end = performance.now() + seconds * 1000;
    const connection = async () => {
      while (performance.now() < end) await tally.run(agent, target, performance.now());
    };
    await Promise.all(Array.from({ length: target.connections }, connection));
    return tally;
  };
  await stretch(target.warmUpSeconds ?? 3);
  const cpu = {
    pid: target.serverPid,
    before: target.serverPid ? processTreeCpuSeconds(target.serverPid) : 0,
  };
  const started = performance.now();
  const tally = await stretch(target.seconds);
  const result = tally.result(target, (performance.now() - started) / 1000, cpu);
  agent.destroy();
  return { ...result, seconds: target.seconds };
}

/**
 * Units arriving as an open system at `rate` per second for `seconds`, the way independent
 * checkouts arrive: a Poisson process (seeded exponential gaps) that never waits for the server.
 * Each latency counts from the unit's scheduled arrival, so time lost behind a slow answer, waiting
 * for a connection or to a late timer is included (no coordinated omission). `onMeasure` is called
 * with the start of the recorded stretch (performance.now()), after the warm-up.
 */
export async function driveOpenLoop(
  target: Target & { rate: number; seconds: number; seed: number; onMeasure?: (startedAt: number) => void },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const stretch = async (seconds: number, seed: number, onStart?: (at: number) => void) => {
    const tally = new Tally();
    const random = createRng(seed);
    const pending: Promise<void>[] = [];
    const start = performance.now() + 10;
    const end = start + seconds * 1000;
    let next = start;
    onStart?.(start);
    while (next < end) {
      const wait = next - performance.now();
      if (wait > 1) await sleep(wait - 1);
      // Everything due by now goes out, each timed from its own scheduled arrival.
      while (next < end && next <= performance.now() + 0.5) {
        tally.late.push(performance.now() - next);
        pending.push(tally.run(agent, target, next));
        next += (-Math.log(1 - random()) * 1000) / target.rate;
      }
    }
    await Promise.all(pending);
    return tally;
  };
  await stretch(target.warmUpSeconds ?? 3, target.seed + 1);
  const cpu = {
    pid: target.serverPid,
    before: target.serverPid ? processTreeCpuSeconds(target.serverPid) : 0,
  };
  const tally = await stretch(target.seconds, target.seed, target.onMeasure);
  agent.destroy();
  return tally.result(target, target.seconds, cpu);
}

/** Prints runs as a table: checkouts (units) per second, latencies in ms, server CPU ms per unit. */
export function printRuns(runs: LoadResult[]) {
  console.table(
    runs.map((run) => ({
      run: run.label,
      "per s": run.perSecond,
      p50: run.p50,
      p99: run.p99,
      max: run.max,
      "server CPU ms": run.serverCpuMs,
      "sender late p99": run.senderLateP99,
      failed: run.failed,
    })),
  );
}
