import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { QUEUE_NAMES } from "~/jobs/definitions";
import { JOB_SECONDS_BUCKETS, readJobOutcomes } from "~/jobs/job-metrics.server";
import { queue } from "~/jobs/queues.server";
import { AppError } from "~/lib/errors";
import { type Family, formatFamilies, histogramSamples } from "~/lib/prometheus-text";
import { requestMetricsText } from "~/lib/request-metrics.server";
import { liveModelAges } from "~/models/model-versions.server";
import { requestRedis } from "~/redis.server";

const QUEUE_STATES = ["waiting", "prioritized", "active", "delayed", "failed"] as const;
/**
 * How long a source may take: a Redis that hangs (rather than refusing) would hold the scrape past
 * Prometheus's own timeout, losing what every other source had to say.
 */
const SOURCE_TIMEOUT_MS = 3_000;

function withinScrapeTime<T>(source: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the source did not answer in time")), SOURCE_TIMEOUT_MS);
  });
  return Promise.race([source, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Lets a scrape through only with the configured bearer token: 404 when no token is configured (the
 * endpoint is off), 401 without the right one. Compared as digests, so the time taken says nothing
 * of the token's length or of how much of it was guessed.
 */
export function authorizeMetricsScrape(request: Request): void {
  const token = env().METRICS_TOKEN;
  if (!token)
    throw new AppError("NOT_FOUND", "The metrics endpoint is off: set METRICS_TOKEN to turn it on.");
  const given = /^Bearer (\S+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1] ?? "";
  const digest = (text: string) => createHash("sha256").update(text).digest();
  if (!given || !timingSafeEqual(digest(given), digest(token))) {
    throw new AppError("UNAUTHORIZED", "Send the metrics token as Authorization: Bearer <token>.");
  }
}

/**
 * Everything an operator scrapes, in Prometheus's text format: the web server's request latency per
 * route and its processes' resources (summed over its workers), each queue's jobs by state, the
 * workers' job durations and failures, and the live model's version and age per shop. A source that
 * cannot be read (Redis away, say) leaves its families out and says so in cua_metrics_source_up,
 * rather than failing the whole scrape.
 */
export async function collectOperatorMetrics(tx: Db): Promise<string> {
  const [requests, queues, jobs, models] = await Promise.allSettled([
    withinScrapeTime(requestMetricsText()),
    withinScrapeTime(queueFamilies()),
    withinScrapeTime(jobFamilies()),
    withinScrapeTime(modelFamilies(tx)),
  ]);
  const sources = { server: requests, queues, jobs, models };
  const up: Family = {
    name: "cua_metrics_source_up",
    help: "Whether this scrape could read the source (1) or not (0).",
    type: "gauge",
    samples: Object.entries(sources).map(([source, result]) => ({
      labels: { source },
      value: result.status === "fulfilled" ? 1 : 0,
    })),
  };
  const families = [queues, jobs, models].flatMap((result) =>
    result.status === "fulfilled" ? result.value : [],
  );
  const server = requests.status === "fulfilled" ? requests.value : "";
  return `${server}${formatFamilies([...families, up])}`;
}

async function queueFamilies(): Promise<Family[]> {
  const counts = await Promise.all(
    QUEUE_NAMES.map(async (name) => ({
      name,
      counts: await queue(name, "producer").getJobCounts(...QUEUE_STATES),
    })),
  );
  return [
    {
      name: "cua_queue_jobs",
      help: "Jobs in each queue, by state.",
      type: "gauge",
      samples: counts.flatMap(({ name, counts }) =>
        QUEUE_STATES.map((state) => ({ labels: { queue: name, state }, value: counts[state] ?? 0 })),
      ),
    },
  ];
}

async function jobFamilies(): Promise<Family[]> {
  const outcomes = await readJobOutcomes(requestRedis());
  return [
    {
      name: "cua_job_duration_seconds",
      help: "Time the workers took for each job they finished, by queue.",
      type: "histogram",
      samples: outcomes.flatMap((o) =>
        histogramSamples(JOB_SECONDS_BUCKETS, o.cumulative, {
          sum: o.secondsSum,
          count: o.finished,
          labels: { queue: o.queue },
        }),
      ),
    },
    {
      name: "cua_job_failures_total",
      help: "Failed job attempts, by queue (a job retried after a failure counts each failure).",
      type: "counter",
      samples: outcomes.map((o) => ({ labels: { queue: o.queue }, value: o.failed })),
    },
  ];
}

async function modelFamilies(tx: Db): Promise<Family[]> {
  const { total, oldest } = await liveModelAges(tx, { limit: env().METRICS_SHOPS });
  const now = Date.now();
  return [
    {
      name: "cua_live_models",
      help: "Installed shops with a live model.",
      type: "gauge",
      samples: [{ value: total }],
    },
    {
      name: "cua_live_model_version",
      help: "The version number of each shop's live model (the METRICS_SHOPS longest since trained).",
      type: "gauge",
      samples: oldest.map((m) => ({ labels: { shop: m.shop }, value: m.version })),
    },
    {
      name: "cua_live_model_age_seconds",
      help: "Time since each shop's live model was trained (the METRICS_SHOPS longest since trained).",
      type: "gauge",
      samples: oldest.map((m) => ({
        labels: { shop: m.shop },
        value: Math.max(0, Math.round((now - m.trainedAt.getTime()) / 1000)),
      })),
    },
  ];
}
