import type { Db, Tx } from "~/db.server";

/** The first instant of the month, UTC: budgets are monthly. */
export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export interface LiveGrant {
  offerId: string;
  percent: number;
  grantedAt: Date;
}

/** The shopper's grant for the product that no order has redeemed and no checkout has stopped honouring. */
export async function liveGrant(
  tx: Tx | Db,
  { shopId, holder, productId, now }: { shopId: string; holder: string; productId: string; now: Date },
): Promise<LiveGrant | null> {
  return tx.offerGrant.findFirst({
    where: { shopId, holder, productId, redeemedAt: null, expiresAt: { gt: now } },
    orderBy: { grantedAt: "desc" },
    select: { offerId: true, percent: true, grantedAt: true },
  });
}

/**
 * What the shop's offer discounts have cost or may still cost since `since`: what orders placed
 * since then received (their lines' allocations), plus the value of every grant no order has
 * redeemed and some checkout may still honour.
 */
export async function committedSince(
  tx: Tx | Db,
  { shopId, since, now }: { shopId: string; since: Date; now: Date },
): Promise<number> {
  const [row] = await tx.$queryRaw<Array<{ received: string | null; outstanding: string | null }>>`
    SELECT
      (SELECT sum(l."offerDiscount") FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId"
       WHERE o."shopId" = ${shopId}::uuid AND o."orderedAt" >= ${since} AND l."offerDiscount" IS NOT NULL
      )::text AS received,
      (SELECT sum(g.value) FROM "OfferGrant" g
       WHERE g."shopId" = ${shopId}::uuid AND g."redeemedAt" IS NULL AND g."expiresAt" > ${now}
      )::text AS outstanding`;
  return Number(row?.received ?? 0) + Number(row?.outstanding ?? 0);
}

export async function recordGrant(
  tx: Tx,
  grant: {
    shopId: string;
    holder: string;
    productId: string;
    percent: number;
    quantity: number;
    value: string;
    offerId: string;
    grantedAt: Date;
    expiresAt: Date;
  },
) {
  await tx.offerGrant.create({ data: grant });
}

/** Grants whose offer ids an order carried are redeemed: from then on the order's allocation counts. */
export async function redeemGrants(
  tx: Tx | Db,
  { shopId, offerIds, at }: { shopId: string; offerIds: string[]; at: Date },
): Promise<number> {
  if (offerIds.length === 0) return 0;
  const { count } = await tx.offerGrant.updateMany({
    where: { shopId, offerId: { in: offerIds }, redeemedAt: null },
    data: { redeemedAt: at },
  });
  return count;
}

/** The grants made to a customer, for their data request. */
export async function customerGrants(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
) {
  return tx.offerGrant.findMany({
    where: { shopId, holder: customerKey },
    orderBy: { grantedAt: "asc" },
    select: { productId: true, percent: true, grantedAt: true, expiresAt: true, redeemedAt: true },
  });
}

/**
 * Unlinks a redacted customer from their grants: the grants stay, counted against the budget, but
 * neither their holder nor their offer id (which carries a tag of the customer's id) is kept.
 */
export async function forgetCustomerGrants(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
): Promise<number> {
  return tx.$executeRaw`
    UPDATE "OfferGrant"
    SET holder = 'redacted', "offerId" = 'redacted:' || encode(sha256(convert_to("offerId", 'UTF8')), 'hex')
    WHERE "shopId" = ${shopId}::uuid AND holder = ${customerKey}`;
}
