import type { Db, Tx } from "~/db.server";
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
  firstSeenAt: Date;
}

/** Records units' first checkouts under experiments, in one statement; units already recorded are skipped. */
export async function recordExposures(tx: Tx | Db, exposures: Exposure[]): Promise<number> {
  if (exposures.length === 0) return 0;
  const { count } = await tx.experimentExposure.createMany({ data: exposures, skipDuplicates: true });
  return count;
}

export async function customerExposures(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
) {
  return tx.experimentExposure.findMany({
    where: { shopId, customerKey },
    orderBy: { firstSeenAt: "asc" },
    select: { experimentId: true, variant: true, firstSeenAt: true },
  });
}

export async function deleteCustomerExposures(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
): Promise<number> {
  const { count } = await tx.experimentExposure.deleteMany({ where: { shopId, customerKey } });
  return count;
}
