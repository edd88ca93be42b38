import type { Db } from "~/db.server";
import type { PausedArm } from "~/models/experiment-outcomes.server";
import { findShop, shopDataSummary } from "~/models/shops.server";
import { currentPausedArms } from "./experiment-report.server";
import { getSetupStatus, type SetupStatus } from "./setup-status.server";

export interface ShopOverview {
  shopDomain: string;
  /** the shop's handle in admin.shopify.com/store/<handle> addresses */
  storeHandle: string;
  summary: Awaited<ReturnType<typeof shopDataSummary>> | null;
  status: SetupStatus;
  /** offers were shown somewhere in the last 30 days: a block is placed */
  offersShown: boolean;
  /** experiment arms the checkout-completion guardrail paused */
  pausedArms: PausedArm[];
}

/** What the admin home page shows: the shop's data, its setup (import, training, live model) and next steps. */
export async function getShopOverview(database: Db, shopDomain: string): Promise<ShopOverview> {
  const storeHandle = shopDomain.replace(/\.myshopify\.com$/, "");
  const shop = await findShop(database, shopDomain);
  const [summary, status, shown, pausedArms] = await Promise.all([
    shop ? shopDataSummary(database, shop.id) : null,
    getSetupStatus(database, shopDomain),
    shop
      ? database.offerEvent.findFirst({
          where: { shopId: shop.id, occurredAt: { gte: new Date(Date.now() - 30 * 86_400_000) } },
          select: { id: true },
        })
      : null,
    currentPausedArms(database, shopDomain),
  ]);
  return { shopDomain, storeHandle, summary, status, offersShown: shown !== null, pausedArms };
}
