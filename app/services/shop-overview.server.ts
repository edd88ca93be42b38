import type { Db } from "~/db.server";
import { type HealthCheckView, isServingAlert } from "~/lib/model-health";
import type { PausedArm } from "~/models/experiment-outcomes.server";
import { latestHealthCheck } from "~/models/model-health-checks.server";
import { findShop, offersFirstRequestedAt, shopDataSummary } from "~/models/shops.server";
import { currentPausedArms } from "./experiment-report.server";
import { segmentCustomers } from "./segment-customers.server";
import { getSetupStatus, type SetupStatus } from "./setup-status.server";

export interface ShopOverview {
  shopDomain: string;
  /** the shop's handle in admin.shopify.com/store/<handle> addresses */
  storeHandle: string;
  summary: Awaited<ReturnType<typeof shopDataSummary>> | null;
  status: SetupStatus;
  /**
   * when a checkout block or the app proxy first asked for offers: the offers reach shoppers. Offer
   * events do not tell it (the demo's simulated activity and merchant previews make none of these).
   */
  offersFirstRequestedAt: Date | null;
  /** experiment arms the checkout-completion guardrail paused */
  pausedArms: PausedArm[];
  /** the latest health check, when it found the model slipping and no model trained since is live */
  healthAlert: HealthCheckView | null;
  /** the latest health check, whatever it found */
  health: HealthCheckView | null;
  /** customers per segment of returning shoppers, by the rules checkouts use */
  segments: Awaited<ReturnType<typeof segmentCustomers>> | null;
}

/** What the admin home page shows: the shop's data, its setup (import, training, live model) and next steps. */
export async function getShopOverview(database: Db, shopDomain: string): Promise<ShopOverview> {
  const storeHandle = shopDomain.replace(/\.myshopify\.com$/, "");
  const shop = await findShop(database, shopDomain);
  const [summary, status, firstRequest, pausedArms, health, segments] = await Promise.all([
    shop ? shopDataSummary(database, shop.id) : null,
    getSetupStatus(database, shopDomain),
    shop ? offersFirstRequestedAt(database, shop.id) : null,
    currentPausedArms(database, shopDomain),
    shop ? latestHealthCheck(database, shop.id) : null,
    // Home shows the rest when the segments cannot be read.
    shop ? segmentCustomers(database, shop.id).catch(() => null) : null,
  ]);
  // The model's alerts until a model trained after the check goes live: one restored, or trained on
  // the same data before the check, slips as the checked one did. The endpoint's until the next check.
  const live = status.liveModel;
  const answered = live !== null && new Date(live.trainedAt) > (health?.checkedAt ?? new Date(0));
  const shown = health?.alerts.filter((alert) => isServingAlert(alert) || !answered) ?? [];
  const healthAlert = health && shown.length > 0 ? { ...health, alerts: shown } : null;
  return {
    shopDomain,
    storeHandle,
    summary,
    status,
    offersFirstRequestedAt: firstRequest,
    pausedArms,
    healthAlert,
    health,
    segments,
  };
}
