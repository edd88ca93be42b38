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

export interface PairKey {
  cartProductId: string;
  offerProductId: string;
}

/**
 * The shop's demoted pairs, with the impressions each had since it was demoted (shown to the
 * shoppers who explore) and how many of those were clicked or added.
 */
export async function demotedPairOutcomes(
  tx: Tx | Db,
  shopId: string,
): Promise<Array<PairKey & { impressions: number; engagements: number }>> {
  return tx.$queryRaw`
    SELECT d."cartProductId", d."offerProductId", count(e.id)::int AS impressions,
      (count(e.id) FILTER (WHERE EXISTS (
        SELECT 1 FROM "OfferEvent" c
        WHERE c."shopId" = d."shopId" AND c."offerId" = e."offerId" AND c.type IN ('click', 'add'))))::int AS engagements
    FROM "DemotedOfferPair" d
    LEFT JOIN "OfferEvent" e ON e."shopId" = d."shopId" AND e.type = 'impression'
      AND e."productId" = d."offerProductId" AND e."occurredAt" >= d."decidedAt"
      AND d."cartProductId" = ANY (e."cartProductIds")
    WHERE d."shopId" = ${shopId}::uuid
    GROUP BY d."cartProductId", d."offerProductId"`;
}

/** Demotes `add` (keeping the decision time of pairs already demoted) and lifts `lift`, in one transaction. */
export async function updateDemotedPairs(
  db: Db,
  {
    shopId,
    add,
    lift,
  }: { shopId: string; add: ReadonlyArray<PairKey & { impressions: number }>; lift: readonly PairKey[] },
): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const { cartProductId, offerProductId } of lift) {
      await tx.demotedOfferPair.deleteMany({ where: { shopId, cartProductId, offerProductId } });
    }
    await tx.demotedOfferPair.createMany({
      data: add.map(({ cartProductId, offerProductId, impressions }) => ({
        shopId,
        cartProductId,
        offerProductId,
        impressions,
      })),
      skipDuplicates: true,
    });
  });
}

/** Installed shops with an offer shown since `since`. */
export async function shopsShowingOffers(tx: Tx | Db, { since }: { since: Date }): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ domain: string }>>`
    SELECT s.domain FROM "Shop" s
    WHERE s."uninstalledAt" IS NULL
      AND EXISTS (SELECT 1 FROM "OfferEvent" e WHERE e."shopId" = s.id AND e."occurredAt" >= ${since})
    ORDER BY s.domain`;
  return rows.map((row) => row.domain);
}
