import type { JobsOptions } from "bullmq";
import { z } from "zod";

export const QUEUE_NAMES = ["ingest", "backfill", "train", "discounts"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

interface JobDefinition<S extends z.ZodType> {
  queue: QueueName;
  schema: S;
  options: JobsOptions;
}

function define<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

/** Retries `attempts` times in all, the waits doubling from `delay` ms. */
function retries(attempts: number, delay: number): JobsOptions {
  return { attempts, backoff: { type: "exponential", delay } };
}

/** Finished jobs stay an hour, failed ones a week, so their ids still deduplicate and can be read. */
const keep = { removeOnComplete: { age: 3_600, count: 10_000 }, removeOnFail: { age: 7 * 86_400 } };
/** Hourly and nightly housekeeping: only its latest runs are kept. */
const keepLatest = { removeOnComplete: 30, removeOnFail: 100 };
/** Removed once done, so the same job id can be asked for again; a failure is kept an hour. */
const removeWhenDone = { removeOnComplete: true, removeOnFail: { age: 3_600 } };

const shopDomain = z.string().min(1);

/**
 * Every job the app runs. Payloads carry ids, never secrets or personal data (BullMQ stores them in
 * clear text); they are validated when enqueued and again in the worker.
 */
export const JOBS = {
  /**
   * Applies one recorded webhook delivery. Job id: the delivery id. Retries span about 18 hours
   * (2 s doubling, 15 attempts), so a database outage delays deliveries instead of failing them.
   */
  "process-webhook": define({
    queue: "ingest",
    schema: z.object({ deliveryId: z.uuid() }),
    options: { ...retries(15, 2_000), ...keep },
  }),
  /**
   * Re-enqueues work recorded in Postgres that never reached a worker (deliveries, import runs), and
   * closes runs whose process died (see closeStaleRuns).
   */
  sweep: define({
    queue: "ingest",
    // graceMs: how old pending work must be; 0 after an outage, when none of it can be on its way.
    schema: z.object({ graceMs: z.number().int().min(0).optional() }),
    options: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
  }),
  /**
   * Strips old processed deliveries' payloads and deletes finished deliveries past the log's
   * retention (see pruneDeliveries). Hourly; one attempt, the next hour is the retry.
   */
  "prune-deliveries": define({
    queue: "ingest",
    schema: z.object({}),
    options: { attempts: 1, ...keepLatest },
  }),
  /** Imports a shop's order and product history through Admin API bulk operations. */
  "bulk-import": define({
    queue: "backfill",
    schema: z.object({ shopDomain, importRunId: z.uuid() }),
    options: { ...retries(6, 30_000), ...keep },
  }),
  /**
   * Trains a shop's model and registers it (live or rejected). Job id: `train-<shop>`, so triggers
   * collapse while one waits (see requestTraining). Few attempts: a failure that is not transient
   * would fail again, and the next trigger or the nightly run tries anew.
   */
  train: define({
    queue: "train",
    schema: z.object({
      shopDomain,
      reason: z.enum(["import", "nightly", "orders", "manual", "outdated", "redaction", "health"]),
    }),
    options: { ...retries(2, 60_000), ...keep },
  }),
  /**
   * Measures the shop's live model on the orders since its data and how far they drifted, records
   * it, and asks for a training when it slips (see checkModelHealth). Job id: `health-<shop>`.
   */
  "check-model-health": define({
    queue: "train",
    schema: z.object({ shopDomain }),
    options: { ...retries(2, 60_000), ...keep },
  }),
  /**
   * Finds the cart product and offer pairs the shop's shoppers ignore and demotes them (see
   * demoteIgnoredPairs). Job id: `demote-<shop>`.
   */
  "demote-ignored-pairs": define({
    queue: "train",
    schema: z.object({ shopDomain }),
    options: { ...retries(2, 60_000), ...keep },
  }),
  /**
   * Queues a health check for every installed shop with a live model, and a demotion pass for every
   * one shown offers in the last 30 days (nightly, before the training).
   */
  "schedule-health-checks": define({
    queue: "train",
    schema: z.object({}),
    options: { ...retries(3, 60_000), ...keepLatest },
  }),
  /** Queues a training for every installed shop whose data changed since its last one (nightly). */
  "schedule-training": define({
    queue: "train",
    schema: z.object({}),
    options: { ...retries(3, 60_000), ...keepLatest },
  }),
  /**
   * Makes the shop's automatic offer discount in Shopify match its settings and budget (see
   * syncOfferDiscount). Job id: `offer-discount-<shop>-<reason>` (a fingerprint of the saved
   * settings, an install, a spent month, a night), removed once done, so asks for one reason
   * collapse into one run; a shop's runs take turns.
   */
  "sync-offer-discount": define({
    queue: "discounts",
    schema: z.object({ shopDomain }),
    options: { ...retries(5, 10_000), ...removeWhenDone },
  }),
  /**
   * Reads the products of the shop's excluded collections from the Admin API and stores them (see
   * syncExcludedCollections). On the backfill queue, one at a time, so a nightly pass over many
   * shops never holds up webhooks. Job id: `collections-<shop>-<set of ids or night>`, removed once
   * done, so the next save or night runs again.
   */
  "sync-collections": define({
    queue: "backfill",
    schema: z.object({ shopDomain }),
    options: { ...retries(5, 30_000), ...removeWhenDone },
  }),
  /** Queues a discount sync for every installed shop with discounts on, or a discount (nightly). */
  "schedule-offer-discount-sync": define({
    queue: "discounts",
    schema: z.object({}),
    options: { ...retries(3, 60_000), ...keepLatest },
  }),
  /** Queues a collection sync for every installed shop that excludes collections (nightly). */
  "schedule-collection-sync": define({
    queue: "backfill",
    schema: z.object({}),
    options: { ...retries(3, 60_000), ...keepLatest },
  }),
  /**
   * Pauses experiment arms whose checkout completion fell significantly below the holdout's, for
   * every shop (see checkExperimentGuardrails). Hourly; one attempt, the next hour is the retry.
   */
  "check-guardrails": define({
    queue: "ingest",
    schema: z.object({}),
    options: { attempts: 1, ...keepLatest },
  }),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["schema"]>;

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].schema.parse(data) as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}
