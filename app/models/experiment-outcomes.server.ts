import { z } from "zod";
import type { Db, Tx } from "~/db.server";

export interface ArmOutcomes {
  /** the variant's key, or "holdout" */
  variant: string;
  /** the units' segment at their first exposure; null for units exposed before segments */
  segment: string | null;
  /** distinct units first exposed in the window */
  checkouts: number;
  /** of them, logged-in buyers, whose orders can be linked to them */
  linked: number;
  /** linked units with an order placed after their first exposure */
  conversions: number;
  orders: number;
  /** Σ per unit of unit price × (quantity − refunded quantity) over those orders */
  revenue: number;
  /** Σ per unit of the square of that revenue, for the variance */
  revenueSquares: number;
}

/**
 * Per arm of an experiment and segment, the units first exposed in [since, until) and what the linked ones bought
 * after their first exposure and before `until`: one statement, aggregated per unit then per arm.
 * A guest's checkout cannot be followed to an order, so it counts as a checkout but never as linked.
 */
export async function armOutcomes(
  tx: Tx | Db,
  { shopId, experimentId, since, until }: { shopId: string; experimentId: string; since: Date; until: Date },
): Promise<ArmOutcomes[]> {
  return tx.$queryRaw<ArmOutcomes[]>`
    WITH units AS (
      SELECT e.variant, e.segment, e."unitKey", e."customerKey", e."firstSeenAt"
      FROM "ExperimentExposure" e
      WHERE e."shopId" = ${shopId}::uuid AND e."experimentId" = ${experimentId}
        AND e."firstSeenAt" >= ${since} AND e."firstSeenAt" < ${until}
    ), per_unit AS (
      -- Each unit's orders are looked up by its customer (an index scan per unit): joining a CTE of
      -- all units' orders back to the units was planned as a nested loop that aggregated every
      -- order again for each unit, over half a second for the demo shop's 700 checkouts.
      SELECT u.variant, u.segment, u."customerKey" IS NOT NULL AS linked, count(o.id) AS orders,
        COALESCE(sum(o.revenue), 0) AS revenue
      FROM units u
      LEFT JOIN LATERAL (
        SELECT o.id,
          (SELECT COALESCE(sum(l."unitPrice" * GREATEST(l.quantity - l."refundedQuantity", 0)), 0)
           FROM "OrderLine" l WHERE l."orderId" = o.id) AS revenue
        FROM "Order" o
        WHERE o."shopId" = ${shopId}::uuid AND o."customerKey" = u."customerKey"
          AND o."orderedAt" >= u."firstSeenAt" AND o."orderedAt" < ${until}
          AND NOT o.test AND o."cancelledAt" IS NULL
      ) o ON true
      GROUP BY u.variant, u.segment, u."unitKey", u."customerKey"
    )
    SELECT variant, segment, count(*)::int AS checkouts, (count(*) FILTER (WHERE linked))::int AS linked,
      (count(*) FILTER (WHERE orders > 0))::int AS conversions, sum(orders)::int AS orders,
      sum(revenue)::float8 AS revenue, sum(revenue * revenue)::float8 AS "revenueSquares"
    FROM per_unit GROUP BY variant, segment ORDER BY variant, segment`;
}

/** Impressions per variant index of an experiment, shown in [since, until). */
export async function armImpressions(
  tx: Tx | Db,
  { shopId, experimentId, since, until }: { shopId: string; experimentId: string; since: Date; until: Date },
): Promise<Map<number, number>> {
  const rows = await tx.$queryRaw<{ variant: number; impressions: number }[]>`
    SELECT variant, count(*)::int AS impressions FROM "OfferEvent"
    WHERE "shopId" = ${shopId}::uuid AND "experimentId" = ${experimentId} AND type = 'impression'
      AND "occurredAt" >= ${since} AND "occurredAt" < ${until} AND variant IS NOT NULL
    GROUP BY variant`;
  return new Map(rows.map((row) => [row.variant, row.impressions]));
}

const StoredVariantsSchema = z.array(
  z.object({ key: z.string(), index: z.number().int(), discounts: z.boolean().default(false) }),
);

/** The variants (key, index, discounts on) an experiment was served with; null when the shop never served it. */
export async function experimentVariants(
  tx: Tx | Db,
  { shopId, experimentId }: { shopId: string; experimentId: string },
): Promise<Array<{ key: string; index: number; discounts: boolean }> | null> {
  const row = await tx.experiment.findUnique({
    where: { shopId_id: { shopId, id: experimentId } },
    select: { variants: true },
  });
  if (!row) return null;
  const parsed = StoredVariantsSchema.safeParse(row.variants);
  return parsed.success ? parsed.data : [];
}

export const PausedArmSchema = z.object({
  variant: z.string(),
  reason: z.string(),
  pausedAt: z.iso.datetime(),
});
export type PausedArm = z.infer<typeof PausedArmSchema>;

/** The arms of an experiment the guardrail paused; none for an unknown experiment. */
export async function pausedArms(
  tx: Tx | Db,
  { shopId, experimentId }: { shopId: string; experimentId: string },
): Promise<PausedArm[]> {
  const row = await tx.experiment.findUnique({
    where: { shopId_id: { shopId, id: experimentId } },
    select: { pausedArms: true },
  });
  const parsed = z.array(PausedArmSchema).safeParse(row?.pausedArms ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * Adds an arm to the experiment's paused ones, unless it is there already; true when it was added.
 * One statement, so two checks at once cannot both add it.
 */
export async function pauseArm(
  tx: Tx | Db,
  { shopId, experimentId, arm }: { shopId: string; experimentId: string; arm: PausedArm },
): Promise<boolean> {
  const changed = await tx.$executeRaw`
    UPDATE "Experiment" SET "pausedArms" = "pausedArms" || ${JSON.stringify([arm])}::jsonb
    WHERE "shopId" = ${shopId}::uuid AND id = ${experimentId}
      AND NOT "pausedArms" @> ${JSON.stringify([{ variant: arm.variant }])}::jsonb`;
  return changed > 0;
}

/** Installed shops that have served an experiment: the ones the guardrail watches. */
export async function shopsWithExperiments(tx: Tx | Db): Promise<string[]> {
  const shops = await tx.shop.findMany({
    where: { uninstalledAt: null, experiments: { some: {} } },
    select: { domain: true },
    orderBy: { domain: "asc" },
  });
  return shops.map((shop) => shop.domain);
}
