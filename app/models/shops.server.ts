import type { Db, Tx } from "~/db.server";
import { AppError } from "~/lib/errors";
import { normalizeShopDomain } from "~/lib/shopify-ids";

export interface ShopRecord {
  id: string;
  domain: string;
  uninstalledAt: Date | null;
  authorizedAt: Date | null;
}

const shopFields = { id: true, domain: true, uninstalledAt: true, authorizedAt: true } as const;

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

/** The shop's row, for services that act on a shop the caller named: a NOT_FOUND AppError when unknown. */
export async function requireShop(tx: Tx | Db, domain: string): Promise<ShopRecord> {
  const shop = await findShop(tx, domain);
  if (!shop) throw new AppError("NOT_FOUND", `No shop ${domain}.`);
  return shop;
}

/**
 * Called after authentication: a reinstall clears the uninstall mark, and the time of every
 * authorisation is kept, so an app/uninstalled triggered before it (a quick reinstall) is known stale.
 */
export async function markInstalled(
  tx: Tx | Db,
  shopDomain: string,
): Promise<{ shop: ShopRecord; fresh: boolean }> {
  const domain = normalizeShopDomain(shopDomain) ?? shopDomain;
  const before = await findShop(tx, domain);
  const now = new Date();
  const shop = await tx.shop.upsert({
    where: { domain },
    create: { domain, authorizedAt: now },
    update: before?.uninstalledAt
      ? { uninstalledAt: null, installedAt: now, authorizedAt: now }
      : { authorizedAt: now },
    select: shopFields,
  });
  return { shop, fresh: before === null || before.uninstalledAt !== null };
}

/** Marks the shop uninstalled, drops its sessions and cancels its imports (their jobs stop at the next stage). */
export async function markUninstalled(tx: Tx | Db, domain: string) {
  const now = new Date();
  await tx.shop.updateMany({ where: { domain, uninstalledAt: null }, data: { uninstalledAt: now } });
  // The app's function stops running with the app, and with it the discount: forget its id, and
  // what it had set aside for offers, which no checkout honours any more.
  await tx.shop.updateMany({ where: { domain }, data: { offerDiscountId: null } });
  await tx.offerGrant.updateMany({
    where: { shop: { domain }, redeemedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  });
  await tx.session.deleteMany({ where: { shop: domain } });
  await tx.importRun.updateMany({
    where: { shop: { domain }, status: { in: ["queued", "running"] } },
    data: { status: "cancelled", finishedAt: new Date() },
  });
}

/** Installed shops whose discounts are on, or whose discount still exists in Shopify. */
export async function shopsWithOfferDiscounts(tx: Tx | Db): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ domain: string }>>`
    SELECT domain FROM "Shop"
    WHERE "uninstalledAt" IS NULL
      AND ("offerDiscountId" IS NOT NULL OR jsonb_path_exists(settings, '$.discounts.enabled ? (@ == true)'))
    ORDER BY domain`;
  return rows.map((row) => row.domain);
}

/**
 * Records that a checkout surface asked for the shop's offers, the first time only: a conditional
 * UPDATE, so later calls write nothing. True when this call set it.
 */
export async function markOffersFirstRequested(tx: Tx | Db, domain: string): Promise<boolean> {
  const updated = await tx.$executeRaw`
    UPDATE "Shop" SET "offersFirstRequestedAt" = now()
    WHERE "domain" = ${domain} AND "offersFirstRequestedAt" IS NULL`;
  return updated > 0;
}

/** When a checkout surface first asked for the shop's offers, or null. */
export async function offersFirstRequestedAt(tx: Tx | Db, shopId: string): Promise<Date | null> {
  const shop = await tx.shop.findUnique({ where: { id: shopId }, select: { offersFirstRequestedAt: true } });
  return shop?.offersFirstRequestedAt ?? null;
}

/** When the shop of this domain was redacted (shop/redact), or null. */
export async function shopRedactedAt(tx: Tx | Db, domain: string): Promise<Date | null> {
  const found = await tx.shopRedaction.findUnique({ where: { domain } });
  return found?.redactedAt ?? null;
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
