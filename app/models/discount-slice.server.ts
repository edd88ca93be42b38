import type { Db, Tx } from "~/db.server";
import type { OfferedOrderLine } from "./offer-purchases.server";

interface SliceQuery {
  shopId: string;
  experimentId: string;
  /** the arms (variant keys) with discounts on */
  variants: string[];
  since: Date;
  until: Date;
}

/** Logged-in units first exposed in [since, until), per arm and whether they are in its no-discount slice. */
export async function sliceShoppers(
  tx: Tx | Db,
  { shopId, experimentId, variants, since, until }: SliceQuery,
): Promise<Array<{ variant: string; noDiscounts: boolean; shoppers: number }>> {
  if (variants.length === 0) return [];
  return tx.$queryRaw`
    SELECT variant, "noDiscounts", count(*)::int AS shoppers FROM "ExperimentExposure"
    WHERE "shopId" = ${shopId}::uuid AND "experimentId" = ${experimentId}
      AND "firstSeenAt" >= ${since} AND "firstSeenAt" < ${until}
      AND "customerKey" IS NOT NULL AND variant = ANY(${variants}::text[])
    GROUP BY variant, "noDiscounts"`;
}

export interface SliceOfferLine extends OfferedOrderLine {
  unitKey: string;
  variant: string;
  noDiscounts: boolean;
  /** the merchant's cost of one unit of the line's variant; null when unknown */
  unitCost: string | null;
}

/**
 * The order lines carrying an offer id of those units' orders, placed after their first exposure and
 * before `until` (not test, not cancelled), linked through the customer key as the report links
 * conversions, with the cost of the line's variant where the catalog has it. The ids are as the
 * order said; the caller verifies them.
 */
export async function sliceOfferLines(
  tx: Tx | Db,
  { shopId, experimentId, variants, since, until }: SliceQuery,
): Promise<SliceOfferLine[]> {
  if (variants.length === 0) return [];
  return tx.$queryRaw<SliceOfferLine[]>`
    SELECT e."unitKey", e.variant, e."noDiscounts", l."offerId", l."productId", l.quantity,
      l."refundedQuantity", l."unitPrice"::text AS "unitPrice", l."offerDiscount"::text AS "offerDiscount",
      o."orderedAt", o.currency, cost."unitCost"::text AS "unitCost"
    FROM "ExperimentExposure" e
    JOIN "Order" o ON o."shopId" = e."shopId" AND o."customerKey" = e."customerKey"
      AND o."orderedAt" >= e."firstSeenAt" AND o."orderedAt" < ${until}
      AND NOT o.test AND o."cancelledAt" IS NULL
    JOIN "OrderLine" l ON l."orderId" = o.id AND l."offerId" IS NOT NULL
    LEFT JOIN LATERAL (
      SELECT v."unitCost" FROM "Product" p JOIN "Variant" v ON v."productId" = p.id
      WHERE p."shopId" = e."shopId" AND p."externalId" = l."productId" AND v."externalId" = l."variantId"
    ) cost ON true
    WHERE e."shopId" = ${shopId}::uuid AND e."experimentId" = ${experimentId}
      AND e."firstSeenAt" >= ${since} AND e."firstSeenAt" < ${until}
      AND e."customerKey" IS NOT NULL AND e.variant = ANY(${variants}::text[])
    ORDER BY o."orderedAt", l.id`;
}
