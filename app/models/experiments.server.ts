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

/** Records a unit's first checkout under the experiment; later ones change nothing. */
export async function recordExposure(
  tx: Tx | Db,
  exposure: {
    shopId: string;
    experimentId: string;
    unitKey: string;
    variant: string;
    customerKey: string | null;
  },
) {
  await tx.experimentExposure.createMany({ data: [exposure], skipDuplicates: true });
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
