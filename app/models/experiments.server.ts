import { type Db, hotQuery, type Tx } from "~/db.server";
import type { ExperimentPlan } from "~/lib/experiments";

/** Keeps the configuration behind an experiment id, once; later calls change nothing. */
export async function recordExperiment(
  tx: Tx | Db,
  { shopId, plan }: { shopId: string; plan: ExperimentPlan },
) {
  await tx.experiment.createMany({
    data: [{ shopId, id: plan.id, holdoutPercent: plan.holdoutPercent, variants: plan.variants as object[] }],
    skipDuplicates: true,
  });
}

export interface Exposure {
  shopId: string;
  experimentId: string;
  unitKey: string;
  variant: string;
  customerKey: string | null;
  /** the unit's shopper segment at that first checkout */
  segment: string | null;
  /** in its arm's no-discount slice */
  noDiscounts: boolean;
  firstSeenAt: Date;
}

/**
 * Records units' first checkouts under experiments, in one statement; units already recorded are
 * skipped. Batches come from the checkout path, so it runs with hotQuery.
 */
export async function recordExposures(exposures: Exposure[]): Promise<number> {
  if (exposures.length === 0) return 0;
  const [row] = await hotQuery<{ inserted: number }>(
    "record-exposures",
    `WITH inserted AS (
       INSERT INTO "ExperimentExposure" ("shopId", "experimentId", "unitKey", "variant", "customerKey", "segment",
         "noDiscounts", "firstSeenAt")
       SELECT shop_id, experiment_id, unit_key, variant, customer_key, segment, no_discounts,
         to_timestamp(seen_ms / 1000.0) AT TIME ZONE 'UTC'
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::float8[])
         AS t(shop_id, experiment_id, unit_key, variant, customer_key, segment, no_discounts, seen_ms)
       ON CONFLICT DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS inserted FROM inserted`,
    [
      exposures.map((e) => e.shopId),
      exposures.map((e) => e.experimentId),
      exposures.map((e) => e.unitKey),
      exposures.map((e) => e.variant),
      exposures.map((e) => e.customerKey),
      exposures.map((e) => e.segment),
      exposures.map((e) => e.noDiscounts),
      exposures.map((e) => e.firstSeenAt.getTime()),
    ],
  );
  return row?.inserted ?? 0;
}

export async function customerExposures(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
) {
  return tx.experimentExposure.findMany({
    where: { shopId, customerKey },
    orderBy: { firstSeenAt: "asc" },
    select: { experimentId: true, variant: true, segment: true, firstSeenAt: true },
  });
}

export async function deleteCustomerExposures(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
): Promise<number> {
  const { count } = await tx.experimentExposure.deleteMany({ where: { shopId, customerKey } });
  return count;
}
