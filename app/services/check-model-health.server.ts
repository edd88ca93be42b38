import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { ensureQueued } from "~/jobs/queues.server";
import { type HealthAlert, healthAlerts } from "~/lib/model-health";
import { HoldoutMetricsSchema } from "~/lib/model-promotion";
import { insertHealthCheck } from "~/models/model-health-checks.server";
import { loadLiveArtifact, shopsWithLiveModel } from "~/models/model-versions.server";
import { findShop } from "~/models/shops.server";
import { loadTrainingRows } from "~/models/training-data.server";
import { decodeEngine, measureModelHealth } from "~ml";
import { requestTraining } from "./request-training.server";

export type HealthCheckOutcome =
  | { status: "skipped"; note: string }
  | { status: "checked"; version: number; alerts: HealthAlert[]; retrainRequested: boolean };

/**
 * How the shop's live model holds up: its NDCG@10 on the checkouts of the orders placed since its
 * training data, measured as its holdout was at promotion, and how far those orders drifted
 * (products it never saw, the product-type mix). The check is recorded for the Models page and
 * Home; when it finds the model slipping, a training is asked for (which the registry promotes only
 * if it does better on the newest orders).
 */
export async function checkModelHealth(
  database: Db,
  { shopDomain, log }: { shopDomain: string; log: Logger },
): Promise<HealthCheckOutcome> {
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt) return { status: "skipped", note: "The shop is not installed." };
  const live = await database.modelVersion.findFirst({
    where: { shopId: shop.id, status: "live" },
    select: { id: true, version: true, dataTo: true, metrics: true },
  });
  if (!live?.dataTo) return { status: "skipped", note: "No live model to check." };
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
  const alerts = healthAlerts(health, holdout);
  let retrainRequested = false;
  if (alerts.length > 0) {
    await requestTraining({ shopDomain, reason: "health" });
    retrainRequested = true;
  }
  await insertHealthCheck(database, {
    shopId: shop.id,
    version: live.version,
    ...health,
    holdoutNdcg: holdout?.ndcg ?? null,
    holdoutStdErr: holdout?.ndcgStdErr ?? null,
    alerts,
    retrainRequested,
  });
  log.info(
    { version: live.version, ndcg: health.ndcg, queries: health.queries, alerts: alerts.map((a) => a.kind) },
    "model health checked",
  );
  return { status: "checked", version: live.version, alerts, retrainRequested };
}

/** The nightly run: a health check for every installed shop with a live model. */
export async function requestNightlyHealthChecks(database: Db): Promise<number> {
  const shops = await shopsWithLiveModel(database);
  for (const shopDomain of shops) {
    await ensureQueued("check-model-health", { shopDomain }, { jobId: `health-${shopDomain}` });
  }
  return shops.length;
}
