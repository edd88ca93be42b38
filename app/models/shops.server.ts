import type { Db, Tx } from "~/db.server";

export interface ShopRecord {
  id: string;
  domain: string;
  uninstalledAt: Date | null;
}

const shopFields = { id: true, domain: true, uninstalledAt: true } as const;

/**
 * The shop's row, created on first sight (a webhook can precede the first admin visit). Safe under
 * concurrency, unlike an upsert, and takes no row lock, so a shop's deliveries never queue on it.
 */
export async function ensureShop(tx: Tx | Db, domain: string): Promise<ShopRecord> {
  await tx.$executeRaw`
    INSERT INTO "Shop" ("id", "domain", "updatedAt") VALUES (gen_random_uuid(), ${domain}, now())
    ON CONFLICT ("domain") DO NOTHING`;
  return tx.shop.findUniqueOrThrow({ where: { domain }, select: shopFields });
}

export async function findShop(tx: Tx | Db, domain: string): Promise<ShopRecord | null> {
  return tx.shop.findUnique({ where: { domain }, select: shopFields });
}

/** Called after authentication: a reinstall clears the uninstall mark. */
export async function markInstalled(
  tx: Tx | Db,
  domain: string,
): Promise<{ shop: ShopRecord; fresh: boolean }> {
  const before = await findShop(tx, domain);
  const shop = await tx.shop.upsert({
    where: { domain },
    create: { domain },
    update: before?.uninstalledAt ? { uninstalledAt: null, installedAt: new Date() } : {},
    select: shopFields,
  });
  return { shop, fresh: before === null || before.uninstalledAt !== null };
}

/** Marks the shop uninstalled, drops its sessions and cancels its imports (their jobs stop at the next stage). */
export async function markUninstalled(tx: Tx | Db, domain: string) {
  await tx.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: new Date() } });
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.importRun.updateMany({
    where: { shop: { domain }, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", finishedAt: new Date() },
  });
}

/** Counts for the admin home page, in one query. */
export async function shopDataSummary(tx: Tx | Db, shopId: string) {
  const [row] = await tx.$queryRaw<
    Array<{
      orders: bigint;
      lines: bigint;
      customers: bigint;
      products: bigint;
      first: Date | null;
      last: Date | null;
    }>
  >`
    SELECT
      (SELECT count(*) FROM "Order" WHERE "shopId" = ${shopId}::uuid) AS orders,
      (SELECT count(*) FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId" WHERE o."shopId" = ${shopId}::uuid) AS lines,
      (SELECT count(DISTINCT "customerKey") FROM "Order" WHERE "shopId" = ${shopId}::uuid) AS customers,
      (SELECT count(*) FROM "Product" WHERE "shopId" = ${shopId}::uuid) AS products,
      (SELECT min("orderedAt") FROM "Order" WHERE "shopId" = ${shopId}::uuid) AS first,
      (SELECT max("orderedAt") FROM "Order" WHERE "shopId" = ${shopId}::uuid) AS last`;
  return {
    orders: Number(row?.orders ?? 0),
    lines: Number(row?.lines ?? 0),
    customers: Number(row?.customers ?? 0),
    products: Number(row?.products ?? 0),
    firstOrderAt: row?.first ?? null,
    lastOrderAt: row?.last ?? null,
  };
}
