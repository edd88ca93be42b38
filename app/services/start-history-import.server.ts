import type { Db } from "~/db.server";
import { ensureQueued, tryEnqueue } from "~/jobs/queues.server";
import { markInstalled } from "~/models/shops.server";

/**
 * Queues the Admin API history import for a shop. With `onlyIfFresh` (the after-install hook) it
 * starts only on a first install or a reinstall, and never while another import of the shop is live.
 * It never waits for Redis (it runs inside the install request): a run that could not be queued
 * stays "queued" and the periodic sweep queues it.
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
  await tryEnqueue("bulk-import", { shopDomain, importRunId: run.id }, { jobId: `bulk-${run.id}` });
  return run;
}

/** Queues bulk import runs still "queued" after `graceMs` (their first enqueue found no Redis). */
export async function requeueStrandedImports(
  database: Db,
  { graceMs }: { graceMs: number },
): Promise<number> {
  const stranded = await database.importRun.findMany({
    where: { kind: "bulk", status: "queued", startedAt: { lt: new Date(Date.now() - graceMs) } },
    select: { id: true, shop: { select: { domain: true } } },
    take: 1_000,
  });
  for (const run of stranded) {
    await ensureQueued(
      "bulk-import",
      { shopDomain: run.shop.domain, importRunId: run.id },
      { jobId: `bulk-${run.id}` },
    );
  }
  return stranded.length;
}
