import { z } from "zod";
import type { ModelHealth } from "~ml";
import type { ServingStats } from "./serving-stats";

export const HealthAlertSchema = z.object({
  kind: z.enum([
    "decay",
    "unknown-products",
    "category-shift",
    "take-rate",
    "click-rate",
    "rolled-back",
    "serving-failures",
    "serving-latency",
  ]),
  /** what the merchant reads on Home and the Models page */
  message: z.string().max(500),
});
export type HealthAlert = z.infer<typeof HealthAlertSchema>;
export type HealthAlertKind = HealthAlert["kind"];

/** Alerts about the offers endpoint, which a retraining does not answer. */
export function isServingAlert(alert: HealthAlert): boolean {
  return alert.kind === "serving-failures" || alert.kind === "serving-latency";
}

/** The banner's title for a check's alerts. */
export function healthAlertTitle(alerts: readonly HealthAlert[]): string {
  if (alerts.some((alert) => alert.kind === "rolled-back")) return "A model was rolled back";
  if (alerts.every(isServingAlert)) return "Offers are slow or failing in checkout";
  return "The live model is slipping";
}

/** A recorded check as the admin pages show it. */
export interface HealthCheckView {
  checkedAt: Date;
  version: number;
  recentOrders: number;
  queries: number;
  ndcg: number | null;
  holdoutNdcg: number | null;
  unknownShare: number | null;
  categoryPsi: number | null;
  /** the offers endpoint over the 28 days before the check; null when not read */
  serving: ServingStats | null;
  alerts: HealthAlert[];
  retrainRequested: boolean;
}

/** recent checkouts below this measure too little to call a decay */
export const MIN_HEALTH_QUERIES = 50;
/** recent orders below this say too little about drift */
export const MIN_HEALTH_ORDERS = 50;
/** a drop of NDCG@10 below this share of the holdout figure is a decay, once it is beyond noise */
export const DECAY_RATIO = 0.85;
/** share of recent orders with a product the model does not know */
export const UNKNOWN_SHARE_ALERT = 0.25;
/** the population stability index's usual bar for a major shift */
export const CATEGORY_PSI_ALERT = 0.25;

const percent = (value: number) => `${Math.round(value * 100)}%`;

/**
 * What a health check tells the merchant. A decay needs both a drop below DECAY_RATIO of the
 * holdout figure and a gap beyond two standard errors of the two measurements, as a promotion is
 * judged: a few dozen checkouts scatter by more than the drop alone. Drift needs enough recent
 * orders to be more than a few odd ones.
 */
export function healthAlerts(
  health: ModelHealth,
  holdout: { ndcg: number; ndcgStdErr: number } | null,
): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  if (holdout && health.ndcg !== null && health.queries >= MIN_HEALTH_QUERIES) {
    const noise = 2 * Math.hypot(holdout.ndcgStdErr, health.ndcgStdErr ?? 0);
    if (health.ndcg < DECAY_RATIO * holdout.ndcg && holdout.ndcg - health.ndcg > noise) {
      alerts.push({
        kind: "decay",
        message:
          `The live model ranks recent checkouts worse than when it went live: NDCG@10 ` +
          `${health.ndcg.toFixed(3)} on ${health.queries} checkouts since its data, against ` +
          `${holdout.ndcg.toFixed(3)} at promotion (${percent(health.ndcg / holdout.ndcg - 1)}).`,
      });
    }
  }
  if (health.recentOrders < MIN_HEALTH_ORDERS) return alerts;
  if (health.unknownShare !== null && health.unknownShare >= UNKNOWN_SHARE_ALERT) {
    alerts.push({
      kind: "unknown-products",
      message: `${percent(health.unknownShare)} of the ${health.recentOrders} orders since the model's data hold products it has never seen.`,
    });
  }
  if (health.categoryPsi !== null && health.categoryPsi >= CATEGORY_PSI_ALERT) {
    alerts.push({
      kind: "category-shift",
      message: `What shoppers buy has shifted across product types since the model's data (stability index ${health.categoryPsi.toFixed(2)}, above ${CATEGORY_PSI_ALERT}).`,
    });
  }
  return alerts;
}
