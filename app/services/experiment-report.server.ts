import type { Db } from "~/db.server";
import {
  conversionLift,
  conversions,
  type Estimate,
  netIncremental,
  pooledOutcomes,
} from "~/lib/arm-estimates";
import { AppError } from "~/lib/errors";
import { experimentPlan } from "~/lib/experiments";
import { readShopSettings } from "~/lib/shop-settings";
import {
  type ArmOutcomes,
  armImpressions,
  armOutcomes,
  experimentVariants,
  type PausedArm,
  pausedArms,
} from "~/models/experiment-outcomes.server";
import { offeredOrderLines } from "~/models/offer-purchases.server";
import {
  checkGuardrail,
  experimentVerdict,
  type GuardrailCheck,
  HOLDOUT,
  sampleSizePerArm,
  type Verdict,
} from "~ml";
import { type DiscountMargin, discountMargins } from "./discount-margins.server";
import { attributedOffer, discountCents } from "./offer-report.server";

/**
 * The smallest change of checkout conversion the experiment is sized to detect, relative to the
 * holdout's rate: 10% (3.0% → 3.3%). It fixes the horizon before any result is read.
 */
export const MINIMUM_DETECTABLE_LIFT = 0.1;

export interface ArmReport {
  /** the variant's key, or "holdout" */
  variant: string;
  holdout: boolean;
  /** set when the guardrail paused the arm: it is served no offers since */
  paused: PausedArm | null;
  /** distinct units first exposed in the window */
  checkouts: number;
  /** logged-in buyers, whose orders link to them: the base of every rate below */
  linked: number;
  /** guests: counted as checkouts, never guessed into conversions */
  unlinked: number;
  conversions: number;
  /** conversions / linked; null without linked units */
  conversionRate: number | null;
  /** conversion rate against the holdout's (two-proportion z-test); null for the holdout or too few units */
  conversionLift: Estimate | null;
  /** net of refunds, per order; null without orders */
  averageOrderValue: number | null;
  /** net of refunds, per linked unit */
  revenuePerCheckout: number | null;
  impressions: number;
  /** order lines attributed to offers this arm served */
  purchases: number;
  /** purchases / impressions; null without impressions */
  takeRate: number | null;
  /** the discount taken on the attributed lines */
  discountCost: number;
  /**
   * Revenue per checkout against the holdout's (Welch's t) less this arm's discount cost per
   * checkout, which is known exactly and so only shifts the interval; null for the holdout or too few units.
   */
  netIncrementalPerCheckout: Estimate | null;
  /** conversion against the holdout, read once at the horizon; null for the holdout */
  verdict: Verdict | null;
  /** linked units the smaller of this arm and the holdout still needs; null without a horizon */
  remainingToHorizon: number | null;
  /** checkout completion against the holdout; null for the holdout */
  guardrail: GuardrailCheck | null;
  /** what the arm's discounts add, against its no-discount slice; null for an arm without discounts */
  discountMargin: DiscountMargin | null;
}

export interface ExperimentReport {
  /** the experiment reported; null when the shop never served it */
  experimentId: string | null;
  since: Date;
  until: Date;
  /** linked units per arm planned from the holdout's conversion; null until the holdout has some */
  horizonPerArm: number | null;
  arms: ArmReport[];
}

/**
 * How the shop's current experiment (or an earlier one, by id) did in [since, until), per arm, the holdout included: who was
 * exposed (ExperimentExposure), what the linked ones bought afterwards, what the arm's offers were
 * taken and cost, and how each arm compares with the holdout, with 95% intervals, a verdict at a fixed
 * horizon and the checkout-completion guardrail; and, per arm with discounts, what they add to the
 * margin against the arm's no-discount slice.
 */
export async function experimentReport(
  database: Db,
  {
    shopDomain,
    since,
    until = new Date(),
    experimentId,
  }: { shopDomain: string; since: Date; until?: Date; experimentId?: string },
): Promise<ExperimentReport> {
  const shop = await database.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, settings: true },
  });
  if (!shop) throw new AppError("NOT_FOUND", `No shop ${shopDomain}.`);
  const settings = readShopSettings(shop.settings);
  const id = experimentId ?? experimentPlan(settings.experiment).id;
  const variants = await experimentVariants(database, { shopId: shop.id, experimentId: id });
  if (!variants) return { experimentId: null, since, until, horizonPerArm: null, arms: [] };
  const query = { shopId: shop.id, experimentId: id, since, until };
  const [outcomes, impressions, lines, paused, margins] = await Promise.all([
    armOutcomes(database, query),
    armImpressions(database, query),
    offeredOrderLines(database, query),
    pausedArms(database, query),
    discountMargins(database, {
      ...query,
      shopDomain,
      variants: variants.filter((variant) => variant.discounts),
      assumedCostPercent: settings.discounts.assumedCostPercent,
    }),
  ]);
  const keys = [HOLDOUT, ...variants.map((variant) => variant.key)];
  for (const row of outcomes) if (!keys.includes(row.variant)) keys.push(row.variant);
  const outcome = (variant: string): ArmOutcomes =>
    pooledOutcomes(
      variant,
      outcomes.filter((row) => row.variant === variant),
    );
  const keyOfIndex = new Map(variants.map((variant) => [variant.index, variant.key]));
  const taken = new Map<string, { purchases: number; discountCents: number }>();
  for (const line of lines) {
    const offer = attributedOffer(line, shopDomain);
    const variant = offer?.experiment?.id === id ? keyOfIndex.get(offer.experiment.variant) : undefined;
    if (!offer || !variant) continue;
    const tally = taken.get(variant) ?? { purchases: 0, discountCents: 0 };
    tally.purchases += 1;
    tally.discountCents += discountCents(line);
    taken.set(variant, tally);
  }
  const holdout = outcome(HOLDOUT);
  const horizonPerArm = horizonFor(holdout);
  const arms = keys.map((variant): ArmReport => {
    const row = outcome(variant);
    const isHoldout = variant === HOLDOUT;
    const index = variants.find((v) => v.key === variant)?.index;
    const shown = index === undefined ? 0 : (impressions.get(index) ?? 0);
    const { purchases, discountCents } = taken.get(variant) ?? { purchases: 0, discountCents: 0 };
    const discountCost = discountCents / 100;
    return {
      variant,
      holdout: isHoldout,
      paused: paused.find((arm) => arm.variant === variant) ?? null,
      checkouts: row.checkouts,
      linked: row.linked,
      unlinked: row.checkouts - row.linked,
      conversions: row.conversions,
      conversionRate: row.linked > 0 ? row.conversions / row.linked : null,
      conversionLift: isHoldout ? null : conversionLift(holdout, row),
      averageOrderValue: row.orders > 0 ? row.revenue / row.orders : null,
      revenuePerCheckout: row.linked > 0 ? row.revenue / row.linked : null,
      impressions: shown,
      purchases,
      takeRate: shown > 0 ? purchases / shown : null,
      discountCost,
      netIncrementalPerCheckout: isHoldout ? null : netIncremental(holdout, row, discountCost),
      verdict: isHoldout ? null : verdictFor(holdout, row, horizonPerArm),
      remainingToHorizon:
        isHoldout || horizonPerArm === null
          ? null
          : Math.max(0, horizonPerArm - Math.min(holdout.linked, row.linked)),
      guardrail: isHoldout
        ? null
        : checkGuardrail({ holdout: conversions(holdout), treated: conversions(row) }),
      discountMargin: margins.get(variant) ?? null,
    };
  });
  return { experimentId: id, since, until, horizonPerArm, arms };
}

/** The arms of the shop's current experiment the guardrail paused, for the admin's banner. */
export async function currentPausedArms(database: Db, shopDomain: string): Promise<PausedArm[]> {
  const shop = await database.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, settings: true },
  });
  if (!shop) return [];
  const plan = experimentPlan(readShopSettings(shop.settings).experiment);
  return pausedArms(database, { shopId: shop.id, experimentId: plan.id });
}

/** Linked units per arm to detect MINIMUM_DETECTABLE_LIFT from the holdout's conversion rate. */
function horizonFor(holdout: ArmOutcomes): number | null {
  if (holdout.linked === 0) return null;
  const baselineRate = holdout.conversions / holdout.linked;
  const minimumDetectableEffect = baselineRate * MINIMUM_DETECTABLE_LIFT;
  if (!(baselineRate > 0 && baselineRate + minimumDetectableEffect < 1)) return null;
  return sampleSizePerArm({ baselineRate, minimumDetectableEffect });
}

function verdictFor(holdout: ArmOutcomes, arm: ArmOutcomes, horizonPerArm: number | null): Verdict {
  if (horizonPerArm === null) {
    return {
      status: "collecting",
      progress: 0,
      comparison: null,
      explanation:
        "Keep collecting: the planned size is set once the holdout has its first completed checkouts.",
    };
  }
  return experimentVerdict({
    metric: { kind: "proportion", control: conversions(holdout), treatment: conversions(arm) },
    horizonPerArm,
    label: "conversion",
  });
}
