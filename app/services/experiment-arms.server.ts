import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { describeError } from "~/lib/errors";
import { type ExperimentPlan, inNoDiscountSlice, type ServingVariant } from "~/lib/experiments";
import type { Segment } from "~/lib/segments";
import { logger } from "~/logger.server";
import { type Exposure, recordExperiment, recordExposures } from "~/models/experiments.server";
import { assignVariant, HOLDOUT } from "~ml";

export interface Arm {
  experiment: { id: string; variant: string };
  /** the variant that serves the unit; null for the holdout, which is shown nothing */
  variant: ServingVariant | null;
  /** in its arm's no-discount slice: served its offers without any discount */
  noDiscounts: boolean;
}

/** Exposures wait this long, or for this many, and are then written together, off the request path. */
const EXPOSURE_FLUSH_MS = 1_000;
const EXPOSURE_BATCH = 500;
/** Experiments and units this process has recorded or queued: each is written once. */
const recorded = new Set<string>();
const MAX_RECORDED = 50_000;

interface Batch {
  database: Db;
  experiments: Map<string, { shopId: string; plan: ExperimentPlan }>;
  exposures: Map<string, Exposure>;
}

let batch: Batch | null = null;
let timer: NodeJS.Timeout | null = null;

/**
 * The arm of the shop's experiment a checkout falls in: the logged-in buyer's customer key, else the
 * checkout's own key (hashed, never stored as sent), hashed with the shop by ml/policy's sticky
 * assignment, so the same unit lands in the same arm on every request and machine. The hash seed is
 * the shop's domain, not the configuration: the holdout is the bottom of the range, so a unit stays
 * in or out of it when the merchant changes the variants. Within an arm with discounts, the unit may
 * fall in the no-discount slice (inNoDiscountSlice), which the report compares with the rest of the
 * arm. Null without any key: such a checkout is served as if there were no experiment and counted nowhere. The unit's first checkout under a
 * configuration is recorded for the report (the holdout sees no offer, so no event counts it), in
 * batches written within a second, off the request path; a failure to record never fails a checkout.
 */
export function assignArm(
  database: Db,
  {
    shopId,
    shopDomain,
    plan,
    customerKey,
    unitKey,
    segment = null,
  }: {
    shopId: string;
    shopDomain: string;
    plan: ExperimentPlan;
    customerKey: string | null;
    unitKey?: string | null;
    /** the shopper's segment, recorded with the unit's first checkout for the segments' uplift */
    segment?: Segment | null;
  },
): Arm | null {
  const unit = customerKey ?? (unitKey ? checkoutUnit(shopDomain, unitKey) : null);
  if (!unit) return null;
  const arm = armOf({ shopDomain, plan, unit });
  const { variant } = arm.experiment;
  remember(database, { shopId, plan, unit, variant, customerKey, segment, noDiscounts: arm.noDiscounts });
  return arm;
}

/**
 * The arm of the plan a unit (a customer key, or a checkout's key as checkoutUnit keeps it) falls
 * in, with its place in the no-discount slice; computed, nothing recorded.
 */
export function armOf({
  shopDomain,
  plan,
  unit,
}: {
  shopDomain: string;
  plan: ExperimentPlan;
  unit: string;
}): Arm {
  const { arm, holdout } = assignVariant({
    experimentId: shopDomain,
    unitKey: unit,
    variants: plan.variants.map((variant) => ({ id: variant.key, weight: variant.share })),
    holdoutShare: plan.holdoutPercent / 100,
  });
  const variant = holdout ? null : (plan.variants.find((v) => v.key === arm) ?? null);
  return {
    experiment: { id: plan.id, variant: holdout ? HOLDOUT : arm },
    variant,
    noDiscounts: inNoDiscountSlice({ experimentId: plan.id, variant, unitKey: unit }),
  };
}

function remember(
  database: Db,
  {
    shopId,
    plan,
    unit,
    variant,
    customerKey,
    segment,
    noDiscounts,
  }: {
    shopId: string;
    plan: ExperimentPlan;
    unit: string;
    variant: string;
    customerKey: string | null;
    segment: Segment | null;
    noDiscounts: boolean;
  },
) {
  const experimentKey = `${shopId}|${plan.id}`;
  const exposureKey = `${experimentKey}|${unit}`;
  if (recorded.has(exposureKey)) return;
  if (recorded.size >= MAX_RECORDED) recorded.clear();
  recorded.add(exposureKey);
  batch ??= { database, experiments: new Map(), exposures: new Map() };
  if (!recorded.has(experimentKey)) {
    recorded.add(experimentKey);
    batch.experiments.set(experimentKey, { shopId, plan });
  }
  batch.exposures.set(exposureKey, {
    shopId,
    experimentId: plan.id,
    unitKey: unit,
    variant,
    customerKey,
    segment,
    noDiscounts,
    firstSeenAt: new Date(),
  });
  if (batch.exposures.size >= EXPOSURE_BATCH) void flushExposures();
  else timer ??= setTimeout(() => void flushExposures(), EXPOSURE_FLUSH_MS).unref();
}

/** Batches being written, one after another: a flush returns once every earlier batch is written. */
let written: Promise<void> = Promise.resolve();

/**
 * Writes the exposures waiting, after any batch already being written, and returns once all are;
 * a batch that fails is logged and forgotten, to be queued again.
 */
export async function flushExposures(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  const writing = batch;
  batch = null;
  if (writing) written = written.then(() => writeBatch(writing));
  await written;
}

async function writeBatch(writing: NonNullable<typeof batch>): Promise<void> {
  try {
    for (const { shopId, plan } of writing.experiments.values()) {
      await recordExperiment(writing.database, { shopId, plan });
    }
    await recordExposures([...writing.exposures.values()]);
  } catch (error) {
    for (const key of [...writing.experiments.keys(), ...writing.exposures.keys()]) recorded.delete(key);
    logger().warn(
      { exposures: writing.exposures.size, error: describeError(error) },
      "experiment exposures not recorded",
    );
  }
}

/** The checkout's key as we keep it: a hash bound to the shop, so the sent value is never stored. */
export function checkoutUnit(shopDomain: string, unitKey: string): string {
  return `u-${createHash("sha256").update(`checkout-unit\u0000${shopDomain}\u0000${unitKey}`).digest("base64url").slice(0, 22)}`;
}
