import type { Db, Prisma, Tx } from "~/db.server";
import type { HealthAlert } from "~/lib/model-health";

export interface NewHealthCheck {
  shopId: string;
  version: number;
  recentOrders: number;
  queries: number;
  ndcg: number | null;
  ndcgStdErr: number | null;
  holdoutNdcg: number | null;
  holdoutStdErr: number | null;
  unknownShare: number | null;
  categoryPsi: number | null;
  alerts: HealthAlert[];
  retrainRequested: boolean;
}

/** how long checks are kept: a season, to compare with */
const KEPT_DAYS = 180;

/** Records a check, and forgets the shop's checks older than KEPT_DAYS. */
export async function insertHealthCheck(tx: Tx | Db, check: NewHealthCheck) {
  const stored = await tx.modelHealthCheck.create({
    data: { ...check, alerts: check.alerts as unknown as Prisma.InputJsonValue },
  });
  await tx.modelHealthCheck.deleteMany({
    where: { shopId: check.shopId, checkedAt: { lt: new Date(Date.now() - KEPT_DAYS * 86_400_000) } },
  });
  return stored;
}

/** The shop's latest checks, newest first. */
export async function latestHealthChecks(tx: Tx | Db, { shopId, limit }: { shopId: string; limit: number }) {
  return tx.modelHealthCheck.findMany({
    where: { shopId },
    orderBy: { checkedAt: "desc" },
    take: limit,
  });
}
