import type { Db, Tx } from "~/db.server";
import type { PairImpressions } from "~ml";

/**
 * Per cart product and offer pair of the impressions since `since`, how often the offer was shown
 * beside the product and how many of those impressions were clicked or added (through the offer id
 * of the impression, so the engagement counts for the cart it was shown with); and the shop's totals.
 * Pairs shown fewer than `minImpressions` times are left out.
 */
export async function pairImpressions(
  tx: Tx | Db,
  { shopId, since, minImpressions }: { shopId: string; since: Date; minImpressions: number },
): Promise<{ pairs: PairImpressions[]; impressions: number; engagements: number }> {
  const engagedIds = `SELECT DISTINCT "offerId" FROM "OfferEvent"
    WHERE "shopId" = $1::uuid AND type IN ('click', 'add') AND "occurredAt" >= $2`;
  const [pairs, totals] = await Promise.all([
    tx.$queryRawUnsafe<PairImpressions[]>(
      `WITH shown AS (
         SELECT "offerId", "productId", "cartProductIds" FROM "OfferEvent"
         WHERE "shopId" = $1::uuid AND type = 'impression' AND "occurredAt" >= $2
           AND cardinality("cartProductIds") > 0
       ), engaged AS (${engagedIds})
       SELECT c.product AS "cartProductId", s."productId" AS "offerProductId", count(*)::int AS impressions,
         (count(*) FILTER (WHERE g."offerId" IS NOT NULL))::int AS engagements
       FROM shown s CROSS JOIN LATERAL unnest(s."cartProductIds") AS c(product)
       LEFT JOIN engaged g ON g."offerId" = s."offerId"
       WHERE c.product <> s."productId"
       GROUP BY c.product, s."productId"
       HAVING count(*) >= $3`,
      shopId,
      since,
      minImpressions,
    ),
    tx.$queryRawUnsafe<Array<{ impressions: number; engagements: number }>>(
      `WITH engaged AS (${engagedIds})
       SELECT count(*)::int AS impressions, (count(*) FILTER (WHERE g."offerId" IS NOT NULL))::int AS engagements
       FROM "OfferEvent" e LEFT JOIN engaged g ON g."offerId" = e."offerId"
       WHERE e."shopId" = $1::uuid AND e.type = 'impression' AND e."occurredAt" >= $2`,
      shopId,
      since,
    ),
  ]);
  return { pairs, impressions: totals[0]?.impressions ?? 0, engagements: totals[0]?.engagements ?? 0 };
}

/** Replaces the shop's demoted pairs; true when the set changed. */
export async function replaceDemotedPairs(
  db: Db,
  { shopId, pairs }: { shopId: string; pairs: readonly PairImpressions[] },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const before = await tx.demotedOfferPair.findMany({
      where: { shopId },
      select: { cartProductId: true, offerProductId: true },
    });
    const key = (pair: { cartProductId: string; offerProductId: string }) =>
      `${pair.cartProductId}|${pair.offerProductId}`;
    const next = new Set(pairs.map(key));
    const same = before.length === next.size && before.every((pair) => next.has(key(pair)));
    await tx.demotedOfferPair.deleteMany({ where: { shopId } });
    await tx.demotedOfferPair.createMany({
      data: pairs.map(({ cartProductId, offerProductId, impressions }) => ({
        shopId,
        cartProductId,
        offerProductId,
        impressions,
      })),
    });
    return !same;
  });
}

export async function demotedPairs(tx: Tx | Db, shopId: string) {
  return tx.demotedOfferPair.findMany({
    where: { shopId },
    orderBy: { impressions: "desc" },
    select: { cartProductId: true, offerProductId: true, impressions: true, decidedAt: true },
  });
}
