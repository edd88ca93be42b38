import type { Db, Prisma, Tx } from "~/db.server";
import { type HealthAlert, HealthAlertSchema, type HealthCheckView } from "~/lib/model-health";
import type { ServingStats } from "~/lib/serving-stats";

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
  /** the offers endpoint's figures; null when they could not be read */
  serving: ServingStats | null;
  alerts: HealthAlert[];
  retrainRequested: boolean;
}

/** how long checks are kept: a season, to compare with */
const KEPT_DAYS = 180;

/** Records a check, and forgets the shop's checks older than KEPT_DAYS. */
export async function insertHealthCheck(tx: Tx | Db, check: NewHealthCheck): Promise<void> {
  const { serving, ...rest } = check;
  await tx.modelHealthCheck.create({
    data: {
      ...rest,
      servingRequests: serving?.requests ?? null,
      servingFailures: serving?.failures ?? null,
      servingP50Ms: serving?.p50Ms ?? null,
      servingP95Ms: serving?.p95Ms ?? null,
      servingP99Ms: serving?.p99Ms ?? null,
      alerts: check.alerts as unknown as Prisma.InputJsonValue,
    },
  });
  await tx.modelHealthCheck.deleteMany({
    where: { shopId: check.shopId, checkedAt: { lt: new Date(Date.now() - KEPT_DAYS * 86_400_000) } },
  });
}

/** The shop's latest check, its alerts validated as read (an unreadable list reads as none). */
export async function latestHealthCheck(tx: Tx | Db, shopId: string): Promise<HealthCheckView | null> {
  const check = await tx.modelHealthCheck.findFirst({ where: { shopId }, orderBy: { checkedAt: "desc" } });
  if (!check) return null;
  return {
    checkedAt: check.checkedAt,
    version: check.version,
    recentOrders: check.recentOrders,
    queries: check.queries,
    ndcg: check.ndcg,
    holdoutNdcg: check.holdoutNdcg,
    unknownShare: check.unknownShare,
    categoryPsi: check.categoryPsi,
    serving:
      check.servingRequests === null
        ? null
        : {
            requests: check.servingRequests,
            failures: check.servingFailures ?? 0,
            p50Ms: check.servingP50Ms,
            p95Ms: check.servingP95Ms,
            p99Ms: check.servingP99Ms,
          },
    alerts: HealthAlertSchema.array().safeParse(check.alerts).data ?? [],
    retrainRequested: check.retrainRequested,
  };
}
