import { type Job, WaitingError } from "bullmq";
import type { Logger } from "pino";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { checkExperimentGuardrails } from "~/services/check-experiment-guardrail.server";
import { checkModelHealth, requestNightlyHealthChecks } from "~/services/check-model-health.server";
import { closeStaleRuns } from "~/services/close-stale-runs.server";
import { demoteIgnoredPairs, requestNightlyDemotions } from "~/services/demote-ignored-pairs.server";
import { processDelivery } from "~/services/process-webhook.server";
import { pruneDeliveries } from "~/services/prune-deliveries.server";
import { requestNightlyCollectionSync } from "~/services/request-collection-sync.server";
import { requestErasureTraining, requestNightlyTraining } from "~/services/request-training.server";
import { runBulkImport } from "~/services/run-bulk-import.server";
import { requeueStrandedImports } from "~/services/start-history-import.server";
import { sweepDeliveries } from "~/services/sweep-deliveries.server";
import { syncExcludedCollections } from "~/services/sync-excluded-collections.server";
import { requestNightlyOfferDiscountSync, syncOfferDiscount } from "~/services/sync-offer-discount.server";
import { trainShopModel } from "~/services/train-shop-model.server";
import { adminGraphql } from "~/shopify/admin-graphql.server";
import { shopify } from "~/shopify.server";
import type { JobName, JobPayload } from "./definitions";

export interface HandlerContext {
  job: Job;
  /** the job's lock token */
  token?: string;
  /** aborted when the worker closes */
  signal?: AbortSignal;
  log: Logger;
  finalAttempt: boolean;
}

type Handlers = { [N in JobName]: (payload: JobPayload<N>, context: HandlerContext) => Promise<unknown> };

/** What each job does: a call into one service. */
export const HANDLERS: Handlers = {
  "process-webhook": ({ deliveryId }, { finalAttempt }) =>
    processDelivery(db(), { deliveryId, finalAttempt }),
  sweep: async ({ graceMs = env().SWEEP_GRACE_MS }) => ({
    deliveries: await sweepDeliveries(db(), { graceMs }),
    imports: await requeueStrandedImports(db(), { graceMs }),
    trainings: await requestErasureTraining(db(), { graceMs }),
    interrupted: await closeStaleRuns(db(), { staleMs: env().RUN_STALE_MS }),
  }),
  "prune-deliveries": () => pruneDeliveries(db()),
  "bulk-import": async ({ shopDomain, importRunId }, { job, token, signal, log, finalAttempt }) => {
    const { admin } = await shopify().unauthenticated.admin(shopDomain);
    const outcome = await runBulkImport(db(), {
      shopDomain,
      importRunId,
      graphql: admin.graphql,
      log,
      pollIntervalMs: env().BULK_POLL_INTERVAL_MS,
      finalAttempt,
      signal,
      onProgress: (progress) => job.updateProgress(progress),
    });
    if (outcome !== "interrupted") return outcome;
    // Back to the waiting list without spending an attempt: the next worker resumes the operation.
    await job.moveToWait(token);
    throw new WaitingError();
  },
  train: ({ shopDomain, reason }, { job, log }) => {
    const started = performance.now();
    return trainShopModel(db(), {
      shopDomain,
      reason,
      log: log.child({ shop: shopDomain }),
      keep: env().MODEL_ARTIFACTS_KEPT,
      requestedAt: new Date(job.timestamp),
      onProgress: async (progress) => {
        // The job's log keeps every step with the time it started at, the TF.js epochs included.
        const at = ((performance.now() - started) / 1000).toFixed(1);
        await job.log(`${at} s ${progress.stage}${progress.step ? `: ${progress.step}` : ""}`);
        await job.updateProgress(progress);
      },
    });
  },
  "check-guardrails": () => checkExperimentGuardrails(db()),
  "schedule-training": async () => ({ shops: await requestNightlyTraining(db()) }),
  "check-model-health": async ({ shopDomain }, { log }) => checkModelHealth(db(), { shopDomain, log }),
  "demote-ignored-pairs": async ({ shopDomain }) => demoteIgnoredPairs(db(), { shopDomain }),
  "schedule-health-checks": async () => ({
    shops: await requestNightlyHealthChecks(db()),
    demotions: await requestNightlyDemotions(db()),
  }),
  "sync-offer-discount": async ({ shopDomain }, { log }) => ({
    result: await syncOfferDiscount(db(), { shopDomain, ...(await shopAdmin(shopDomain, log)) }),
  }),
  "sync-collections": async ({ shopDomain }, { log }) =>
    syncExcludedCollections(db(), { shopDomain, ...(await shopAdmin(shopDomain, log)) }),
  "schedule-collection-sync": async () => ({ shops: await requestNightlyCollectionSync(db()) }),
  "schedule-offer-discount-sync": async () => ({ shops: await requestNightlyOfferDiscountSync(db()) }),
};

/** The shop's Admin API client, which waits out its rate-limit bucket, and a logger for the shop. */
async function shopAdmin(shopDomain: string, log: Logger) {
  const { admin } = await shopify().unauthenticated.admin(shopDomain);
  const child = log.child({ shop: shopDomain });
  return {
    admin: adminGraphql(admin.graphql, {
      onWait: ({ ms, reason }) => child.debug({ ms, reason }, "waiting for the Admin API bucket"),
    }),
    log: child,
  };
}
