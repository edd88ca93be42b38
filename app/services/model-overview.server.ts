import type { Db } from "~/db.server";
import { HoldoutMetricsSchema } from "~/lib/model-promotion";
import { latestHealthCheck } from "~/models/model-health-checks.server";
import { listVersions } from "~/models/model-versions.server";
import { findShop } from "~/models/shops.server";
import { firstVersionWithoutErased, latestTrainingRuns } from "~/models/training-runs.server";
import { getSetupStatus, type LiveModel } from "./setup-status.server";

const RUNS_SHOWN = 10;

/**
 * The models page: every version with its holdout metrics, data window and decision, whether it can
 * be restored (its artifact is still kept and it holds no customer erased since), the latest
 * training attempts, any training under way, and the latest health check of the live model. The live model is read from the version list
 * itself, so the page's "Live" badge and its live model card cannot disagree.
 */
export async function getModelOverview(database: Db, shopDomain: string) {
  const shop = await findShop(database, shopDomain);
  const [versions, runs, status, firstClean, health] = await Promise.all([
    shop ? listVersions(database, shop.id) : [],
    shop ? latestTrainingRuns(database, { shopId: shop.id, take: RUNS_SHOWN }) : [],
    getSetupStatus(database, shopDomain),
    shop ? firstVersionWithoutErased(database, shop.id) : 1,
    shop ? latestHealthCheck(database, shop.id) : null,
  ]);
  // Versions that may hold a customer erased since are never offered (see restoreVersion).
  const holdsErased = (version: number) => firstClean === null || version < firstClean;
  const live = versions.find((version) => version.status === "live");
  const liveModel: LiveModel | null = live
    ? {
        version: live.version,
        trainedAt: live.trainedAt,
        promotedAt: live.promotedAt,
        orderCount: live.orderCount,
        dataFrom: live.dataFrom,
        dataTo: live.dataTo,
        metrics: HoldoutMetricsSchema.safeParse(live.metrics).data ?? null,
      }
    : null;
  return {
    liveModel,
    versions: versions.map((version) => ({
      version: version.version,
      status: version.status,
      trainedAt: version.trainedAt,
      promotedAt: version.promotedAt,
      dataFrom: version.dataFrom,
      dataTo: version.dataTo,
      orderCount: version.orderCount,
      productCount: version.productCount,
      customerCount: version.customerCount,
      trainSeconds: version.trainSeconds,
      metrics: HoldoutMetricsSchema.safeParse(version.metrics).data ?? null,
      decisionNote: version.decisionNote,
      holdsErased: holdsErased(version.version),
      restorable:
        (version.status === "retired" || version.status === "rejected") &&
        version.artifactLocation !== null &&
        !holdsErased(version.version),
    })),
    runs: runs.map((run) => ({
      id: run.id,
      reason: run.reason,
      status: run.status,
      note: run.note,
      version: run.version,
      orderCount: run.orderCount,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
    })),
    status: { ...status, liveModel },
    /** the latest nightly check of the live model, null before the first */
    health,
  };
}
