import type { Db, Tx } from "~/db.server";

export interface OfferedOrderLine {
  offerId: string;
  productId: string | null;
  quantity: number;
  refundedQuantity: number;
  unitPrice: string | null;
  /** what our offer discount took off the line, as the order's allocations say; null for none */
  offerDiscount: string | null;
  orderedAt: Date;
  currency: string | null;
}

/**
 * Order lines that carry an offer id, of the shop's orders placed in [since, until): not test, not
 * cancelled. The ids are as the order said; the caller verifies them.
 */
export async function offeredOrderLines(
  tx: Tx | Db,
  { shopId, since, until }: { shopId: string; since: Date; until: Date },
): Promise<OfferedOrderLine[]> {
  return tx.$queryRaw<OfferedOrderLine[]>`
    SELECT l."offerId", l."productId", l.quantity, l."refundedQuantity", l."unitPrice"::text AS "unitPrice",
      l."offerDiscount"::text AS "offerDiscount", o."orderedAt", o.currency
    FROM "Order" o JOIN "OrderLine" l ON l."orderId" = o.id
    WHERE o."shopId" = ${shopId}::uuid AND o."orderedAt" >= ${since} AND o."orderedAt" < ${until}
      AND NOT o.test AND o."cancelledAt" IS NULL AND l."offerId" IS NOT NULL
    ORDER BY o."orderedAt", l.id`;
}
