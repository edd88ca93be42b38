import type { Db } from "~/db.server";
import { findShop, shopDataSummary } from "~/models/shops.server";

/** What the admin home page shows: the shop's data and its latest import. */
export async function getShopOverview(database: Db, shopDomain: string) {
  const shop = await findShop(database, shopDomain);
  if (!shop) return { shopDomain, summary: null, latestImport: null, dataRequests: [] };
  const [summary, latestImport, dataRequests] = await Promise.all([
    shopDataSummary(database, shop.id),
    database.importRun.findFirst({
      where: { shopId: shop.id },
      orderBy: { startedAt: "desc" },
      select: {
        kind: true,
        status: true,
        stage: true,
        processed: true,
        rejected: true,
        error: true,
        startedAt: true,
        finishedAt: true,
      },
    }),
    database.customerDataRequest.findMany({
      where: { shopId: shop.id },
      orderBy: { requestedAt: "desc" },
      take: 5,
      select: { id: true, requestedAt: true },
    }),
  ]);
  return { shopDomain, summary, latestImport, dataRequests };
}
