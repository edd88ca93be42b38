import type { Logger } from "pino";
import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { describeError } from "~/lib/errors";
import { startHeartbeatThread } from "~/lib/heartbeat-thread.server";
import { loadLiveArtifact } from "~/models/model-versions.server";
import { isFileCatalog } from "~/models/products.server";
import { findShop } from "~/models/shops.server";
import { loadCatalogProducts, loadTrainingRows } from "~/models/training-data.server";
import {
  completedTrainingSince,
  finishTrainingRun,
  type PendingRedaction,
  pendingRedactions,
  startTrainingRun,
  type TrainingReason,
  trainingHeartbeat,
} from "~/models/training-runs.server";
import { announceServingChange } from "~/serving/serving.server";
import { decodeEngine, type Engine, trainEngine } from "~ml";
import { registerModel, retireErasedModels } from "./model-registry.server";
import { computeSegments } from "./shop-segments.server";

/**
 * The shop's segment thresholds and sizes, from the same orders the model was trained on; a failure
 * leaves the previous ones, which servers recompute within a day.
 */
async function refreshSegments(
  database: Db,
  { shopId, shopDomain, log }: { shopId: string; shopDomain: string; log: Logger },
): Promise<void> {
  try {
    const fileCatalog = await isFileCatalog(database, shopId);
    await computeSegments(database, { shopId, fileCatalog });
    await announceServingChange(shopDomain);
  } catch (error) {
    log.warn({ error: describeError(error) }, "segments not recomputed after training");
  }
}

/** Below these a model cannot be measured, so none is stored. */
export const MIN_TRAINING_ORDERS = 20;
export const MIN_HOLDOUT_QUERIES = 20;
/** Well below RUN_STALE_MS, so a few late beats never close a live training. */
const HEARTBEAT_MS = 10_000;
/** Training is deterministic: the same data gives the same model. */
const TRAINING_SEED = 1;

export type TrainingStage = "loading" | "training" | "evaluating" | "storing";

export interface TrainingProgress {
  stage: TrainingStage;
  orders?: number;
  /** the engine's own step while training */
  step?: string;
}

export interface TrainingOutcome {
  status: "live" | "rejected" | "skipped";
  version: number | null;
  note: string;
}

export interface TrainShopModelOptions {
  shopDomain: string;
  reason: TrainingReason;
  log: Logger;
  /** artifacts kept per shop (the live one always is) */
  keep: number;
  onProgress?: (progress: TrainingProgress) => unknown;
  /** when the training was asked for: one started later has already read newer data */
  requestedAt?: Date;
}

/**
 * Trains a shop's model from its orders in Postgres and registers it: live when it measures at
 * least as well as the live model, rejected otherwise. A shop with too little data gets a recorded
 * "skipped" run instead of a model. Every attempt is recorded as a training run.
 */
export async function trainShopModel(
  database: Db,
  { shopDomain, reason, log, keep, onProgress, requestedAt }: TrainShopModelOptions,
): Promise<TrainingOutcome> {
  // Progress is for watching; failing to report it never fails a training.
  const report = async (progress: TrainingProgress) => {
    try {
      await onProgress?.(progress);
    } catch (error) {
      log.warn({ error: describeError(error) }, "training progress not reported");
    }
  };
  const shop = await findShop(database, shopDomain);
  if (!shop || shop.uninstalledAt)
    return { status: "skipped", version: null, note: "The shop is not installed." };
  // A killed training's job runs again once its lock expires, after the sweep asked for another.
  if (requestedAt && (await completedTrainingSince(database, { shopId: shop.id, since: requestedAt }))) {
    return {
      status: "skipped",
      version: null,
      note: "A training started since this request already finished.",
    };
  }
  const run = await startTrainingRun(database, { shopId: shop.id, reason });
  let redactions: PendingRedaction[] = [];
  // The sweep closes a run whose heartbeat stopped (its process died) and asks for the training
  // again. The fit holds the main thread for minutes, so the heartbeat beats on a thread of its own.
  const stopHeartbeat = startHeartbeatThread({
    databaseUrl: env().DATABASE_URL,
    ...trainingHeartbeat(run.id),
    everyMs: HEARTBEAT_MS,
  });
  const skip = async (why: string, { dataTo, orders }: { dataTo: Date | null; orders: number }) => {
    // No version replaces the models that hold the erased customers, so none of them may serve.
    const retired = await retireErasedModels(database, { shopId: shop.id, redactions });
    const note = retired
      ? `${why} Live v${retired} was trained before a customer was erased and is retired.`
      : why;
    await finishTrainingRun(database, { id: run.id, status: "skipped", note, dataTo, orderCount: orders });
    if (retired) await announceServingChange(shopDomain);
    log.info({ orders, note }, "training skipped");
    return { status: "skipped" as const, version: null, note };
  };
  try {
    await report({ stage: "loading" });
    redactions = await pendingRedactions(database, shop.id);
    const readAt = new Date();
    const [data, products, champion] = await Promise.all([
      loadTrainingRows(database, { shopId: shop.id, upTo: readAt }),
      loadCatalogProducts(database, shop.id),
      liveChampion(database, shop.id, log),
    ]);
    if (data.orders < MIN_TRAINING_ORDERS) {
      return skip(
        `Too little data: ${data.orders} orders, at least ${MIN_TRAINING_ORDERS} are needed.`,
        data,
      );
    }

    await report({ stage: "training", orders: data.orders });
    const result = await trainEngine({
      rows: data.rows,
      products,
      seed: TRAINING_SEED,
      champion: champion ?? undefined,
      onProgress: (step) => void report({ stage: "training", orders: data.orders, step }),
    });

    await report({ stage: "evaluating", orders: data.orders });
    if (result.holdout.queries < MIN_HOLDOUT_QUERIES) {
      return skip(
        `Too little data to measure a model: ${result.holdout.queries} holdout checkouts, ` +
          `at least ${MIN_HOLDOUT_QUERIES} are needed.`,
        data,
      );
    }

    await report({ stage: "storing", orders: data.orders });
    const registration = await registerModel(database, {
      shopId: shop.id,
      keep,
      redactions,
      model: {
        metrics: result.holdout,
        challenge: champion && result.challenge ? { version: champion.version, ...result.challenge } : null,
        params: result.params,
        window: {
          ...result.window,
          from: result.window.from ? new Date(result.window.from) : data.dataFrom,
          to: result.window.to ? new Date(result.window.to) : data.dataTo,
        },
        trainSeconds: result.trainSeconds,
        bytes: result.engine.encode(),
      },
    });
    await finishTrainingRun(database, {
      id: run.id,
      status: "stored",
      note: registration.note,
      dataTo: data.dataTo,
      orderCount: data.orders,
      version: registration.version,
    });
    await refreshSegments(database, { shopId: shop.id, shopDomain, log });
    // Recorded first: whoever sees the new version served finds its training run finished.
    if (registration.status === "live") await announceServingChange(shopDomain);
    log.info(
      {
        version: registration.version,
        status: registration.status,
        ndcg: result.holdout.ndcg,
        applied: redactions.length,
      },
      "model trained",
    );
    return { status: registration.status, version: registration.version, note: registration.note };
  } catch (error) {
    await finishTrainingRun(database, { id: run.id, status: "failed", note: describeError(error) });
    throw error;
  } finally {
    await stopHeartbeat();
  }
}

/**
 * The live version's engine, to measure on the new model's holdout; null without one, or when its
 * artifact no longer decodes (its stored figure is compared then).
 */
async function liveChampion(
  database: Db,
  shopId: string,
  log: Logger,
): Promise<{ version: number; engine: Engine; trainedUpTo: number } | null> {
  const artifact = await loadLiveArtifact(database, shopId);
  if (!artifact?.dataTo) return null;
  try {
    return {
      version: artifact.version,
      engine: await decodeEngine(artifact.bytes),
      trainedUpTo: artifact.dataTo.getTime(),
    };
  } catch (error) {
    log.warn(
      { version: artifact.version, error: describeError(error) },
      "live model not measured on the holdout",
    );
    return null;
  }
}
