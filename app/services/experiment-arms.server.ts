import { createHash } from "node:crypto";
import type { Db } from "~/db.server";
import { describeError } from "~/lib/errors";
import type { ExperimentPlan, ServingVariant } from "~/lib/experiments";
import { logger } from "~/logger.server";
import { recordExperiment, recordExposure } from "~/models/experiments.server";
import { assignVariant, HOLDOUT } from "~ml/policy/experiment-assignment";

export interface Arm {
  experiment: { id: string; variant: string };
  /** the variant that serves the unit; null for the holdout, which is shown nothing */
  variant: ServingVariant | null;
}

const recorded = new Set<string>();
const MAX_RECORDED = 50_000;

/**
 * The arm of the shop's experiment a checkout falls in: the logged-in buyer's customer key, else the
 * checkout's own key (hashed, never stored as sent), hashed with the shop by ml/policy's sticky
 * assignment, so the same unit lands in the same arm on every request and machine. The hash seed is
 * the shop's domain, not the configuration: the holdout is the bottom of the range, so a unit stays
 * in or out of it when the merchant changes the variants. Null without any key: such a checkout is served as
 * if there were no experiment and counted nowhere. The unit's first checkout under a configuration
 * is recorded for the report (the holdout sees no offer, so no event counts it); a failure to record
 * never fails the checkout.
 */
export async function assignArm(
  database: Db,
  {
    shopId,
    shopDomain,
    plan,
    customerKey,
    unitKey,
  }: {
    shopId: string;
    shopDomain: string;
    plan: ExperimentPlan;
    customerKey: string | null;
    unitKey?: string | null;
  },
): Promise<Arm | null> {
  const unit = customerKey ?? (unitKey ? checkoutUnit(shopDomain, unitKey) : null);
  if (!unit) return null;
  const { arm, holdout } = assignVariant({
    experimentId: shopDomain,
    unitKey: unit,
    variants: plan.variants.map((variant) => ({ id: variant.key, weight: variant.share })),
    holdoutShare: plan.holdoutPercent / 100,
  });
  const variant = holdout ? null : (plan.variants.find((v) => v.key === arm) ?? null);
  await remember(database, { shopId, plan, unit, variant: holdout ? HOLDOUT : arm, customerKey });
  return { experiment: { id: plan.id, variant: holdout ? HOLDOUT : arm }, variant };
}

async function remember(
  database: Db,
  {
    shopId,
    plan,
    unit,
    variant,
    customerKey,
  }: { shopId: string; plan: ExperimentPlan; unit: string; variant: string; customerKey: string | null },
) {
  const experimentKey = `${shopId}|${plan.id}`;
  const exposureKey = `${experimentKey}|${unit}`;
  if (recorded.has(exposureKey)) return;
  try {
    if (!recorded.has(experimentKey)) {
      await recordExperiment(database, { shopId, plan });
      recorded.add(experimentKey);
    }
    await recordExposure(database, { shopId, experimentId: plan.id, unitKey: unit, variant, customerKey });
    if (recorded.size >= MAX_RECORDED) recorded.clear();
    recorded.add(exposureKey);
  } catch (error) {
    logger().warn({ error: describeError(error) }, "experiment exposure not recorded");
  }
}

/** The checkout's key as we keep it: a hash bound to the shop, so the sent value is never stored. */
function checkoutUnit(shopDomain: string, unitKey: string): string {
  return `u-${createHash("sha256").update(`checkout-unit\u0000${shopDomain}\u0000${unitKey}`).digest("base64url").slice(0, 22)}`;
}
