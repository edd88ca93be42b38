import type { Db } from "~/db.server";
import { enqueue } from "~/jobs/queues.server";
import { markInstalled } from "~/models/shops.server";

/**
 * Queues the Admin API history import for a shop. With `onlyIfFresh` (the after-install hook) it
 * starts only on a first install or a reinstall, and never while another import of the shop is live.
 */
export async function startHistoryImport(
  database: Db,
  { shopDomain, onlyIfFresh }: { shopDomain: string; onlyIfFresh: boolean },
) {
  const { shop, fresh } = await markInstalled(database, shopDomain);
  if (onlyIfFresh && !fresh) return null;
  const live = await database.importRun.findFirst({
    where: { shopId: shop.id, kind: "bulk", status: { in: ["queued", "running"] } },
  });
  if (live) return live;
  const run = await database.importRun.create({ data: { shopId: shop.id, kind: "bulk" } });
  await enqueue("bulk-import", { shopDomain, importRunId: run.id }, { jobId: `bulk-${run.id}` });
  return run;
}
