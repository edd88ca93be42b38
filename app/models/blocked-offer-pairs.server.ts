import type { Db, Tx } from "~/db.server";

export interface BlockedOfferPair {
  cartProductId: string;
  offerProductId: string;
  blockedAt: Date;
}

/**
 * Blocks a pair, unless the shop already has `limit` pairs (false then); blocking a pair twice
 * keeps its first time. The count and the insert are one statement, so concurrent blocks cannot
 * pass the limit together by more than the pairs they add at the same instant.
 */
export async function insertBlockedPair(
  tx: Tx | Db,
  {
    shopId,
    cartProductId,
    offerProductId,
    limit,
  }: { shopId: string; cartProductId: string; offerProductId: string; limit: number },
): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ stored: boolean }>>`
    WITH existing AS (SELECT count(*)::int AS n FROM "BlockedOfferPair" WHERE "shopId" = ${shopId}::uuid),
    added AS (
      INSERT INTO "BlockedOfferPair" ("shopId", "cartProductId", "offerProductId")
      SELECT ${shopId}::uuid, ${cartProductId}, ${offerProductId} FROM existing WHERE n < ${limit}
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM added)
      OR EXISTS (SELECT 1 FROM "BlockedOfferPair"
                 WHERE "shopId" = ${shopId}::uuid AND "cartProductId" = ${cartProductId}
                   AND "offerProductId" = ${offerProductId}) AS stored`;
  return rows[0]?.stored ?? false;
}

export async function deleteBlockedPair(
  tx: Tx | Db,
  {
    shopId,
    cartProductId,
    offerProductId,
  }: { shopId: string; cartProductId: string; offerProductId: string },
): Promise<void> {
  await tx.blockedOfferPair.deleteMany({ where: { shopId, cartProductId, offerProductId } });
}

/** The shop's blocked pairs, newest first. */
export async function blockedPairs(tx: Tx | Db, shopId: string): Promise<BlockedOfferPair[]> {
  return tx.blockedOfferPair.findMany({
    where: { shopId },
    orderBy: [{ blockedAt: "desc" }, { cartProductId: "asc" }, { offerProductId: "asc" }],
    select: { cartProductId: true, offerProductId: true, blockedAt: true },
  });
}
