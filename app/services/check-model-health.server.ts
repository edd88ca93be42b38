import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { ensureQueued } from "~/jobs/queues.server";
import { type HealthAlert, healthAlerts } from "~/lib/model-health";
import { HoldoutMetricsSchema } from "~/lib/model-promotion";
import { SERVING_DAYS, type ServingStats, servingAlerts, servingStats } from "~/lib/serving-stats";
import { insertHealthCheck } from "~/models/model-health-checks.server";
import { loadLiveArtifact, previousLiveVersion, shopsWithLiveModel } from "~/models/model-versions.server";
import { versionOutcomes } from "~/models/offer-events.server";
import { findShop } from "~/models/shops.server";
import { loadTrainingRows } from "~/models/training-data.server";
import { offersAnswers } from "~/serving/offers-serving-stats.server";
import { decodeEngine, measureModelHealth, onlineRegression } from "~ml";
import { rollBackVersion } from "./model-registry.server";
import { requestTraining } from "./request-training.server";

export type HealthCheckOutcome =
  | { status: "skipped"; note: string }
  | { status: "checked"; version: number; alerts: HealthAlert[]; retrainRequested: boolean };

/**
 * How the shop's live model holds up: its NDCG@10 on the checkouts of the orders placed since its
 * training data, measured as its holdout was at promotion, and how far those orders drifted
 * (products it never saw, the product-type mix), and how the offers endpoint answered over 28 days.
 * The check is recorded for the Models page and Home; when it finds the model slipping, a training
 * is asked for (which the registry promotes only if it does better on the newest orders). A slow or
 * failing endpoint is an alert for the operator, not a reason to retrain.
 */
export async function checkModelHealth(
  database: Db,
  { shopDomain, log }: { shopDomain: string; log: Logger },
): Promise<HealthCheckOutcome> {
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt) return { status: "skipped", note: "The shop is not installed." };
  const live = await database.modelVersion.findFirst({
    where: { shopId: shop.id, status: "live" },
    select: { id: true, version: true, dataTo: true, metrics: true, promotedAt: true },
  });
  if (!live?.dataTo) return { status: "skipped", note: "No live model to check." };
  const rollback = await rollBackIfWorseOnline(database, { shopDomain, shopId: shop.id, live });
  if (rollback) {
    await insertHealthCheck(database, {
      shopId: shop.id,
      version: live.version,
      ...NOT_MEASURED,
      serving: null,
      alerts: [rollback],
      retrainRequested: false,
    });
    log.info({ version: live.version, alert: rollback.message }, "model rolled back");
    return { status: "checked", version: live.version, alerts: [rollback], retrainRequested: false };
  }
  const [artifact, data] = await Promise.all([
    loadLiveArtifact(database, shop.id),
    loadTrainingRows(database, { shopId: shop.id, upTo: new Date() }),
  ]);
  if (!artifact || artifact.id !== live.id)
    return { status: "skipped", note: "The live model changed meanwhile." };
  const engine = await decodeEngine(artifact.bytes);
  const health = measureModelHealth({ engine, rows: data.rows, trainedUpTo: live.dataTo.getTime() });
  const stored = HoldoutMetricsSchema.safeParse(live.metrics);
  const holdout = stored.success && stored.data.queries > 0 ? stored.data : null;
  const serving = await servingFigures(shopDomain, log);
  const modelAlerts = [
    ...healthAlerts(health, holdout),
    ...(await onlineAlerts(database, { shopId: shop.id, live })),
  ];
  const alerts = [...modelAlerts, ...(serving ? servingAlerts(serving) : [])];
  let retrainRequested = false;
  if (modelAlerts.length > 0) {
    await requestTraining({ shopDomain, reason: "health" });
    retrainRequested = true;
  }
  await insertHealthCheck(database, {
    shopId: shop.id,
    version: live.version,
    ...health,
    holdoutNdcg: holdout?.ndcg ?? null,
    holdoutStdErr: holdout?.ndcgStdErr ?? null,
    serving,
    alerts,
    retrainRequested,
  });
  log.info(
    { version: live.version, ndcg: health.ndcg, queries: health.queries, alerts: alerts.map((a) => a.kind) },
    "model health checked",
  );
  return { status: "checked", version: live.version, alerts, retrainRequested };
}

const DAY_MS = 86_400_000;
/** how long after its promotion a version is watched against its predecessor */
const ROLLBACK_WATCH_DAYS = 28;
/** the longest stretch compared on each side of a promotion */
const ROLLBACK_WINDOW_DAYS = 14;
/** the recent stretch compared with the model's own trailing 28 days before it */
const RECENT_DAYS = 7;
const TRAILING_DAYS = 28;

const NOT_MEASURED = {
  recentOrders: 0,
  queries: 0,
  ndcg: null,
  ndcgStdErr: null,
  holdoutNdcg: null,
  holdoutStdErr: null,
  unknownShare: null,
  categoryPsi: null,
};

/**
 * A version promoted in the last ROLLBACK_WATCH_DAYS whose take rate since is significantly below
 * its predecessor's over as long a stretch just before the promotion (the same shop's traffic, on
 * either side) is rolled back to that predecessor, with the numbers in both versions' notes.
 */
async function rollBackIfWorseOnline(
  database: Db,
  {
    shopDomain,
    shopId,
    live,
  }: { shopDomain: string; shopId: string; live: { version: number; promotedAt: Date | null } },
): Promise<HealthAlert | null> {
  if (!live.promotedAt) return null;
  const age = Date.now() - live.promotedAt.getTime();
  if (age <= 0 || age > ROLLBACK_WATCH_DAYS * DAY_MS) return null;
  const predecessor = await previousLiveVersion(database, { shopId, version: live.version });
  if (!predecessor) return null;
  const window = Math.min(age, ROLLBACK_WINDOW_DAYS * DAY_MS);
  const promoted = live.promotedAt.getTime();
  const [after, before] = await Promise.all([
    versionOutcomes(database, {
      shopId,
      version: live.version,
      since: live.promotedAt,
      until: new Date(promoted + window),
    }),
    versionOutcomes(database, {
      shopId,
      version: predecessor.version,
      since: new Date(promoted - window),
      until: live.promotedAt,
    }),
  ]);
  const verdict = onlineRegression({
    baseline: { trials: before.impressions, successes: before.adds },
    current: { trials: after.impressions, successes: after.adds },
    what: "take rate",
    labels: {
      current: `v${live.version} since its promotion`,
      baseline: `v${predecessor.version} just before it`,
    },
  });
  if (!verdict.regressed) return null;
  const restored = await rollBackVersion(database, {
    shopDomain,
    from: live.version,
    reason: verdict.explanation,
  });
  if (!restored) return null;
  return {
    kind: "rolled-back",
    message: `Version ${live.version} was rolled back to version ${restored.version}. ${verdict.explanation}`,
  };
}

/** The live model's take and click rates of the last week against its own 28 days before. */
async function onlineAlerts(
  database: Db,
  { shopId, live }: { shopId: string; live: { version: number } },
): Promise<HealthAlert[]> {
  const now = Date.now();
  const recentFrom = new Date(now - RECENT_DAYS * DAY_MS);
  const [recent, trailing] = await Promise.all([
    versionOutcomes(database, { shopId, version: live.version, since: recentFrom, until: new Date(now) }),
    versionOutcomes(database, {
      shopId,
      version: live.version,
      since: new Date(recentFrom.getTime() - TRAILING_DAYS * DAY_MS),
      until: recentFrom,
    }),
  ]);
  const alerts: HealthAlert[] = [];
  for (const [kind, what, successes] of [
    ["take-rate", "take rate", (o: typeof recent) => o.adds],
    ["click-rate", "click rate", (o: typeof recent) => o.clicks],
  ] as const) {
    const verdict = onlineRegression({
      baseline: { trials: trailing.impressions, successes: successes(trailing) },
      current: { trials: recent.impressions, successes: successes(recent) },
      what,
      labels: { current: `the last ${RECENT_DAYS} days`, baseline: `the ${TRAILING_DAYS} days before` },
    });
    if (verdict.regressed) alerts.push({ kind, message: verdict.explanation });
  }
  return alerts;
}

/** The offers endpoint's answers of the last SERVING_DAYS; null when Redis cannot tell. */
async function servingFigures(shopDomain: string, log: Logger): Promise<ServingStats | null> {
  try {
    return servingStats(await offersAnswers(shopDomain, { days: SERVING_DAYS }));
  } catch (error) {
    log.warn({ error: error instanceof Error ? error.message : String(error) }, "serving figures not read");
    return null;
  }
}

/** The nightly run: a health check for every installed shop with a live model. */
export async function requestNightlyHealthChecks(database: Db): Promise<number> {
  const shops = await shopsWithLiveModel(database);
  for (const shopDomain of shops) {
    await ensureQueued("check-model-health", { shopDomain }, { jobId: `health-${shopDomain}` });
  }
  return shops.length;
}
