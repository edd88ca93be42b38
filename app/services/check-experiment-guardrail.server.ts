import type { Db } from "~/db.server";
import { describeError } from "~/lib/errors";
import { logger } from "~/logger.server";
import { type PausedArm, pauseArm, shopsWithExperiments } from "~/models/experiment-outcomes.server";
import { announceServingChange } from "~/serving/serving.server";
import { experimentReport } from "./experiment-report.server";

/** The guardrail looks at this much of an experiment's past at most: the checks stay bounded. */
const GUARDRAIL_LOOKBACK_MS = 90 * 86_400_000;

/**
 * Pauses the arms of the shop's current experiment whose checkout completion is significantly below
 * the holdout's (checkGuardrail). A paused arm is served no offers from then on, like the holdout, and
 * stays paused for this configuration: the merchant resumes it by changing the experiment.
 */
export async function checkExperimentGuardrail(
  database: Db,
  { shopDomain, now = new Date() }: { shopDomain: string; now?: Date },
): Promise<PausedArm[]> {
  const since = new Date(now.getTime() - GUARDRAIL_LOOKBACK_MS);
  const report = await experimentReport(database, { shopDomain, since, until: now });
  const { experimentId } = report;
  if (!experimentId) return [];
  const shop = await database.shop.findUniqueOrThrow({ where: { domain: shopDomain }, select: { id: true } });
  const paused: PausedArm[] = [];
  for (const arm of report.arms) {
    if (arm.paused || arm.guardrail?.action !== "pause") continue;
    const entry = { variant: arm.variant, reason: arm.guardrail.explanation, pausedAt: now.toISOString() };
    if (await pauseArm(database, { shopId: shop.id, experimentId, arm: entry })) {
      logger().warn({ shop: shopDomain, experimentId, variant: arm.variant }, "experiment arm paused");
      paused.push(entry);
    }
  }
  if (paused.length > 0) await announceServingChange(shopDomain);
  return paused;
}

/** The guardrail for every installed shop with an experiment; a shop that fails is logged and skipped. */
export async function checkExperimentGuardrails(database: Db, { now = new Date() }: { now?: Date } = {}) {
  let pausedArms = 0;
  for (const shopDomain of await shopsWithExperiments(database)) {
    try {
      pausedArms += (await checkExperimentGuardrail(database, { shopDomain, now })).length;
    } catch (error) {
      logger().error({ shop: shopDomain, error: describeError(error) }, "experiment guardrail failed");
    }
  }
  return { pausedArms };
}
