import cluster from "node:cluster";
import { AggregatorRegistry, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * The web server's own metrics: request latency per route, and the process's (CPU, memory, event
 * loop lag). Each server worker process keeps its own; a scrape answered by any worker reports the
 * sum over all of them, gathered by the primary (prom-client's cluster aggregation). Labels are
 * bounded: routes are the app's route patterns (anything else is "other"), methods the HTTP verbs
 * the app answers, statuses their class.
 */

/** One route of the server build, as Remix lists them in `build.routes`. */
export interface BuildRoute {
  id: string;
  parentId?: string;
  path?: string;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ASK = "checkout-upsell:metrics-request";
const ANSWER = "checkout-upsell:metrics-answer";
/** how long a worker waits for the primary's sum over all workers */
const CLUSTER_TIMEOUT_MS = 5_000;

let registry: Registry | undefined;
let durations: Histogram<"route" | "method" | "status"> | undefined;

function requestRegistry(): { registry: Registry; durations: Histogram<"route" | "method" | "status"> } {
  if (!registry || !durations) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: "cua_" });
    durations = new Histogram({
      name: "cua_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its answer, per route pattern.",
      labelNames: ["route", "method", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    if (cluster.isWorker) {
      // A worker answers the primary's requests with this registry (the listener comes with the
      // first AggregatorRegistry of the process).
      AggregatorRegistry.setRegistries([registry]);
      new AggregatorRegistry();
    }
  }
  return { registry, durations };
}

/**
 * Records requests by route pattern. `routes` are the server build's; a path no route matches is
 * counted as "other", so a scan of random URLs adds no series.
 */
export function requestObserver(
  routes: Record<string, BuildRoute | undefined>,
): (method: string, path: string, status: number, seconds: number) => void {
  const { durations } = requestRegistry();
  const patterns = routePatterns(routes);
  return (method, path, status, seconds) => {
    durations.observe(
      {
        route: routeOf(patterns, path),
        method: METHODS.has(method) ? method : "other",
        status: `${Math.floor(status / 100)}xx`,
      },
      seconds,
    );
  };
}

/** Every route's full path as segments ("app", "data-requests", ":id"), longest first. */
export function routePatterns(routes: Record<string, BuildRoute | undefined>): string[][] {
  const fullPath = (route: BuildRoute | undefined, depth = 0): string[] => {
    if (!route || depth > 50) return [];
    const own = (route.path ?? "").split("/").filter(Boolean);
    return [...fullPath(route.parentId ? routes[route.parentId] : undefined, depth + 1), ...own];
  };
  const unique = new Map<string, string[]>();
  for (const route of Object.values(routes)) {
    const segments = fullPath(route);
    unique.set(segments.join("/"), segments);
  }
  return [...unique.values()];
}

/** The pattern a path matches, literal segments before parameters before a splat; else "other". */
export function routeOf(patterns: readonly string[][], path: string): string {
  const segments = path.split("/").filter(Boolean);
  let best: string[] | undefined;
  let bestScore = -1;
  for (const pattern of patterns) {
    const score = matchScore(pattern, segments);
    if (score > bestScore) {
      best = pattern;
      bestScore = score;
    }
  }
  return best ? `/${best.join("/")}` : "other";
}

/** -1 when the pattern does not match; else higher the more literally it does. */
function matchScore(pattern: readonly string[], segments: readonly string[]): number {
  let score = 0;
  for (let s = 0; s < pattern.length; s++) {
    const part = pattern[s]!;
    if (part === "*") return score;
    const segment = segments[s];
    if (segment === undefined) return -1;
    if (part.startsWith(":")) score += 1;
    else if (part === decodeSegment(segment)) score += 3;
    else return -1;
  }
  return segments.length === pattern.length ? score + 1 : -1;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * In the server's primary process: answers a worker's request for the sum of every worker's
 * request metrics. Called once, before the workers start.
 */
export function answerWorkersMetricRequests(): void {
  if (!cluster.isPrimary) return;
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== ASK) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id, text }),
      (error: unknown) => worker.send({ type: ANSWER, id: message.id, error: String(error) }),
    );
  });
}

let asked = 0;

/** The request metrics in Prometheus's text format: of every server worker when in a cluster. */
export function requestMetricsText(): Promise<string> {
  const { registry } = requestRegistry();
  const send = process.send?.bind(process);
  if (!cluster.isWorker || !send) return registry.metrics();
  const id = ++asked;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.off("message", listen);
      reject(new Error("the server's primary process did not answer with the workers' metrics"));
    }, CLUSTER_TIMEOUT_MS);
    function listen(message: { type?: string; id?: number; text?: string; error?: string }) {
      if (message?.type !== ANSWER || message.id !== id) return;
      clearTimeout(timer);
      process.off("message", listen);
      if (typeof message.text === "string") resolve(message.text);
      else reject(new Error(message.error ?? "no metrics"));
    }
    process.on("message", listen);
    send({ type: ASK, id });
  });
}
