import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { enqueue, queue } from "~/jobs/queues.server";
import { type RunningWorkers, startWorkers } from "~/jobs/worker.server";
import { markInstalled } from "~/models/shops.server";
import { seedOfferShop } from "../fixtures/offer-shop";
import { type AppServer, ensureBuild, requestOnNewConnection, startAppServer } from "../helpers/app-server";
import { isolateIntegration } from "../helpers/integration";
import { BROWSER_UA, checkoutToken, EXTENSION_ORIGIN, TEST_SHOP } from "../helpers/shopify";

const METRICS_TOKEN = "scrape-token-for-the-metrics-test";
const DAY_MS = 86_400_000;

/** A scrape's samples by series, e.g. 'cua_queue_jobs{queue="train",state="waiting"}'. */
function samples(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

/**
 * The operators' endpoint over real HTTP, from the production server with two worker processes:
 * what a Prometheus scrape with the bearer token gets, and what anyone else gets.
 */
describe("GET /metrics", () => {
  const context = isolateIntegration();
  let server: AppServer;

  beforeAll(async () => {
    ensureBuild();
    await seedOfferShop(db(), TEST_SHOP);
    // Two shops with live models, trained 30 and 2 days ago; METRICS_SHOPS=1 labels the older only.
    for (const [domain, days, version] of [
      ["stale-model.myshopify.com", 30, 4],
      ["fresh-model.myshopify.com", 2, 9],
    ] as const) {
      const { shop } = await markInstalled(db(), domain);
      await db().modelVersion.create({
        data: {
          shopId: shop.id,
          version,
          status: "live",
          trainedAt: new Date(Date.now() - days * DAY_MS),
          orderCount: 100,
          productCount: 10,
          customerCount: 20,
          params: {},
          metrics: {},
          trainSeconds: 1,
        },
      });
    }
    server = await startAppServer({
      DATABASE_URL: context.databaseUrl,
      REDIS_URL: context.redisUrl,
      QUEUE_PREFIX: context.queuePrefix,
      WEB_CONCURRENCY: "2",
      METRICS_TOKEN,
      METRICS_SHOPS: "1",
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const scrape = async (token = METRICS_TOKEN) =>
    fetch(`${server.url}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it("refuses a scrape without the token, or with another, and tells nothing", async () => {
    for (const token of ["", "scrape-token-for-the-metrics-tesT", "x"]) {
      const response = await scrape(token);
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toMatch(/cua_/);
    }
    const posted = await fetch(`${server.url}/metrics`, {
      method: "POST",
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(posted.status).toBe(405);
  });

  it("counts every checkout request by its route, whichever worker served it or answers the scrape", async () => {
    const token = await checkoutToken();
    const body = JSON.stringify({ cart: { lines: [] }, locale: "en", surface: "checkout" });
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        requestOnNewConnection(`${server.url}/api/checkout/offers`, {
          method: "POST",
          headers: {
            "User-Agent": BROWSER_UA,
            Origin: EXTENSION_ORIGIN,
            "Content-Type": "application/json",
            Authorization: `Bearer ${token}`,
          },
          body,
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    for (const path of ["/wp-login.php", "/app/../../etc/passwd", "/random-1", "/random-2"]) {
      await requestOnNewConnection(`${server.url}${path}`);
    }
    // Each scrape lands on either worker; every one sees the sum over both.
    for (let n = 0; n < 4; n++) {
      const response = await requestOnNewConnection(`${server.url}/metrics`, {
        headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
      const found = samples(response.body);
      const offers = 'route="/api/checkout/offers",method="POST",status="2xx"';
      expect(found.get(`cua_http_request_duration_seconds_count{${offers}}`)).toBe(12);
      const series = [...found.keys()].filter((key) =>
        key.startsWith("cua_http_request_duration_seconds_count"),
      );
      // Unknown paths share one series: a scan adds no labels.
      expect(series.filter((key) => key.includes('route="other"'))).toHaveLength(1);
      expect(series.some((key) => /wp-login|random|passwd/.test(key))).toBe(false);
    }
  });

  it("reports each queue's jobs by state and the workers' finished and failed jobs", async () => {
    await enqueue(
      "train",
      { shopDomain: "stale-model.myshopify.com", reason: "manual" },
      { jobId: "waiting" },
    );
    // A payload the worker refuses: a failure, for good.
    await queue("ingest").add("process-webhook", { deliveryId: "not-a-uuid" }, { attempts: 1 });
    let workers: RunningWorkers | undefined;
    let found = new Map<string, number>();
    try {
      // Starting, the ingest worker also sweeps once: a job that finishes.
      workers = await startWorkers({ queues: ["ingest"], concurrency: 1 });
      for (let tries = 0; tries < 100; tries++) {
        found = samples(await (await scrape()).text());
        const failures = found.get('cua_job_failures_total{queue="ingest"}') ?? 0;
        const finished = found.get('cua_job_duration_seconds_count{queue="ingest"}') ?? 0;
        if (failures >= 1 && finished >= 1) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await workers?.close();
    }
    expect(found.get('cua_job_failures_total{queue="ingest"}')).toBe(1);
    expect(found.get('cua_job_duration_seconds_count{queue="ingest"}')).toBeGreaterThanOrEqual(1);
    expect(found.get('cua_job_duration_seconds_bucket{queue="ingest",le="+Inf"}')).toBe(
      found.get('cua_job_duration_seconds_count{queue="ingest"}'),
    );
    expect(found.get('cua_job_failures_total{queue="train"}')).toBe(0);
    expect(found.get('cua_queue_jobs{queue="train",state="waiting"}')).toBe(1);
    expect(found.get('cua_queue_jobs{queue="ingest",state="failed"}')).toBe(1);
    expect(found.get('cua_metrics_source_up{source="queues"}')).toBe(1);
  });

  it("reports the live models, labelling at most METRICS_SHOPS shops, the longest since trained", async () => {
    const found = samples(await (await scrape()).text());
    expect(found.get("cua_live_models")).toBe(2);
    expect(found.get('cua_live_model_version{shop="stale-model.myshopify.com"}')).toBe(4);
    const age = found.get('cua_live_model_age_seconds{shop="stale-model.myshopify.com"}') ?? 0;
    expect(age / 86_400).toBeCloseTo(30, 1);
    expect([...found.keys()].some((key) => key.includes("fresh-model"))).toBe(false);
  });
});
