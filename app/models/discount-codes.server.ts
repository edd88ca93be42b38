import type { Db, Tx } from "~/db.server";

/** A code is handed out only with at least this long left to use it. */
export const MIN_CODE_LIFETIME_MS = 24 * 3_600_000;

export interface PoolStock {
  productId: string;
  percent: number;
  /** reserved or available codes that will still be worth handing out */
  stock: number;
  title: string | null;
}

/**
 * Pools serving wanted since `since`, with their stock of codes still good for MIN_CODE_LIFETIME_MS,
 * for products still active. Most wanted first.
 */
export async function wantedPools(
  tx: Tx | Db,
  { shopId, since, now = new Date() }: { shopId: string; since: Date; now?: Date },
): Promise<PoolStock[]> {
  const goodUntil = new Date(now.getTime() + MIN_CODE_LIFETIME_MS);
  return tx.$queryRaw<PoolStock[]>`
    SELECT w."productId", w.percent, p.title,
      (SELECT count(*)::int FROM "DiscountCode" c
       WHERE c."shopId" = w."shopId" AND c."productId" = w."productId" AND c.percent = w.percent
         AND c.status IN ('reserved', 'available') AND c."expiresAt" > ${goodUntil}) AS stock
    FROM "DiscountPool" w
    JOIN "Product" p ON p."shopId" = w."shopId" AND p."externalId" = w."productId"
    WHERE w."shopId" = ${shopId}::uuid AND w."wantedAt" >= ${since} AND p.status = 'ACTIVE'
    ORDER BY w."wantedAt" DESC, w."productId", w.percent`;
}

/** Says serving wants codes of this pool; the replenish job stocks it. */
export async function wantPool(
  tx: Tx | Db,
  { shopId, productId, percent }: { shopId: string; productId: string; percent: number },
) {
  await tx.$executeRaw`
    INSERT INTO "DiscountPool" ("shopId", "productId", percent, "wantedAt")
    VALUES (${shopId}::uuid, ${productId}, ${percent}, now())
    ON CONFLICT ("shopId", "productId", percent) DO UPDATE SET "wantedAt" = now()`;
}

/** Forgets pools nobody wanted since `before`; their remaining codes just expire. */
export async function dropUnwantedPools(tx: Tx | Db, { shopId, before }: { shopId: string; before: Date }) {
  const { count } = await tx.discountPool.deleteMany({ where: { shopId, wantedAt: { lt: before } } });
  return count;
}

/** Records codes before Shopify is asked for them, so a crash never leaves a code we do not know. */
export async function reserveCodes(
  tx: Tx | Db,
  {
    shopId,
    productId,
    percent,
    codes,
    expiresAt,
  }: { shopId: string; productId: string; percent: number; codes: string[]; expiresAt: Date },
) {
  const { count } = await tx.discountCode.createMany({
    data: codes.map((code) => ({ shopId, productId, percent, code, expiresAt, status: "reserved" })),
    skipDuplicates: true,
  });
  return count;
}

export async function reservedCodes(tx: Tx | Db, shopId: string) {
  return tx.discountCode.findMany({
    where: { shopId, status: "reserved" },
    orderBy: { id: "asc" },
    select: { id: true, code: true, productId: true, percent: true, expiresAt: true },
  });
}

/** A reserved code that Shopify now has becomes available to hand out. */
export async function markAvailable(
  tx: Tx | Db,
  { id, discountNodeId }: { id: bigint; discountNodeId: string },
) {
  await tx.discountCode.updateMany({
    where: { id, status: "reserved" },
    data: { status: "available", discountNodeId },
  });
}

/** A reserved code Shopify refused or never created is never handed out. */
export async function abandonReserved(tx: Tx | Db, id: bigint) {
  await tx.discountCode.updateMany({ where: { id, status: "reserved" }, data: { status: "expired" } });
}

/**
 * Moves codes forward in time: issued codes whose shopper has since ordered the product are
 * redeemed; issued codes past their end, and unissued ones too close to it, are expired.
 */
export async function settleCodes(tx: Tx | Db, { shopId, now = new Date() }: { shopId: string; now?: Date }) {
  const redeemed = await tx.$executeRaw`
    UPDATE "DiscountCode" c SET status = 'redeemed'
    WHERE c."shopId" = ${shopId}::uuid AND c.status = 'issued' AND EXISTS (
      SELECT 1 FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
      WHERE o."shopId" = c."shopId" AND o."customerKey" = c."issuedTo" AND o."orderedAt" >= c."issuedAt"
        AND o."cancelledAt" IS NULL AND l."productId" = c."productId")`;
  const expired = await tx.$executeRaw`
    UPDATE "DiscountCode" SET status = 'expired'
    WHERE "shopId" = ${shopId}::uuid AND (
      (status = 'issued' AND "expiresAt" <= ${now})
      OR (status = 'available' AND "expiresAt" <= ${new Date(now.getTime() + MIN_CODE_LIFETIME_MS)}))`;
  return { redeemed, expired };
}

export interface IssuedCode {
  code: string;
  percent: number;
}

/** The shopper's code for this product that is issued and still good, if any. */
export async function liveIssuedCode(
  tx: Tx,
  { shopId, customerKey, productId }: { shopId: string; customerKey: string; productId: string },
): Promise<IssuedCode | null> {
  // One that has run out no longer counts (and would block a new one: one issued code per shopper and product).
  await tx.$executeRaw`
    UPDATE "DiscountCode" SET status = 'expired'
    WHERE "shopId" = ${shopId}::uuid AND "issuedTo" = ${customerKey} AND "productId" = ${productId}
      AND status = 'issued' AND "expiresAt" <= now()`;
  const [row] = await tx.$queryRaw<IssuedCode[]>`
    SELECT code, percent FROM "DiscountCode"
    WHERE "shopId" = ${shopId}::uuid AND "issuedTo" = ${customerKey} AND "productId" = ${productId}
      AND status = 'issued'
    LIMIT 1`;
  return row ?? null;
}

/** What the shop's issued codes may cost it since `since`: Σ price × percent when issued. */
export async function issuedValueSince(tx: Tx, { shopId, since }: { shopId: string; since: Date }) {
  const [row] = await tx.$queryRaw<Array<{ value: string }>>`
    SELECT COALESCE(sum("issuedValue"), 0)::text AS value FROM "DiscountCode"
    WHERE "shopId" = ${shopId}::uuid AND "issuedAt" >= ${since}`;
  return Number(row?.value ?? 0);
}

/**
 * Takes one available code of the pool for the shopper: the row is locked and skipped by concurrent
 * takers, so no code is ever taken twice. Null when the pool has none left.
 */
export async function takeCode(
  tx: Tx,
  {
    shopId,
    productId,
    percent,
    customerKey,
    offerId,
    value,
  }: {
    shopId: string;
    productId: string;
    percent: number;
    customerKey: string;
    offerId: string;
    value: string;
  },
): Promise<IssuedCode | null> {
  const goodUntil = new Date(Date.now() + MIN_CODE_LIFETIME_MS);
  const [row] = await tx.$queryRaw<IssuedCode[]>`
    UPDATE "DiscountCode"
    SET status = 'issued', "issuedTo" = ${customerKey}, "offerId" = ${offerId}, "issuedAt" = now(),
      "issuedValue" = ${value}::numeric
    WHERE status = 'available' AND id = (
      SELECT id FROM "DiscountCode"
      WHERE "shopId" = ${shopId}::uuid AND "productId" = ${productId} AND percent = ${percent}
        AND status = 'available' AND "expiresAt" > ${goodUntil}
      ORDER BY "expiresAt", id
      LIMIT 1
      FOR UPDATE SKIP LOCKED)
    RETURNING code, percent`;
  return row ?? null;
}

/** Codes of the pool left to hand out. */
export async function availableCount(
  tx: Tx | Db,
  { shopId, productId, percent }: { shopId: string; productId: string; percent: number },
): Promise<number> {
  const goodUntil = new Date(Date.now() + MIN_CODE_LIFETIME_MS);
  return tx.discountCode.count({
    where: { shopId, productId, percent, status: "available", expiresAt: { gt: goodUntil } },
  });
}

/** The codes issued to a customer, for their data request. */
export async function customerCodes(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
) {
  return tx.discountCode.findMany({
    where: { shopId, issuedTo: customerKey },
    orderBy: { issuedAt: "asc" },
    select: { code: true, productId: true, percent: true, status: true, issuedAt: true, expiresAt: true },
  });
}

/** Unlinks a redacted customer from their codes; the codes stay, counted against the budget. */
export async function forgetCustomerCodes(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
): Promise<number> {
  const { count } = await tx.discountCode.updateMany({
    where: { shopId, issuedTo: customerKey },
    data: { issuedTo: null },
  });
  return count;
}
