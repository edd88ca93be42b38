import type { Db, Tx } from "~/db.server";

export interface PreviewProduct {
  productId: string;
  title: string;
}

/** Active products whose title contains `query` (any case), by title. */
export async function findProducts(
  tx: Tx | Db,
  { shopId, query, limit }: { shopId: string; query: string; limit: number },
): Promise<PreviewProduct[]> {
  const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return tx.$queryRaw<PreviewProduct[]>`
    SELECT p."externalId" AS "productId", p.title
    FROM "Product" p
    WHERE p."shopId" = ${shopId}::uuid AND p.status = 'ACTIVE' AND p.title ILIKE ${pattern}
    ORDER BY p.title, p."externalId"
    LIMIT ${limit}`;
}

/** Titles of the given products (unknown ones are left out). */
export async function productTitles(
  tx: Tx | Db,
  { shopId, productIds }: { shopId: string; productIds: string[] },
): Promise<Map<string, string>> {
  if (productIds.length === 0) return new Map();
  const rows = await tx.product.findMany({
    where: { shopId, externalId: { in: productIds } },
    select: { externalId: true, title: true },
  });
  return new Map(rows.map((row) => [row.externalId, row.title]));
}

/**
 * What explaining a checkout without offers needs of a shop: its stored settings, and how many of
 * its products could be offered at all (active, available, with an available variant that has a price).
 */
export async function shopOfferFacts(
  tx: Tx | Db,
  shopId: string,
): Promise<{ settings: unknown; offerableProducts: number }> {
  const [row] = await tx.$queryRaw<Array<{ settings: unknown; offerableProducts: number }>>`
    SELECT s.settings,
      (SELECT count(*)::int FROM "Product" p
       WHERE p."shopId" = s.id AND p.status = 'ACTIVE' AND p.available
         AND EXISTS (SELECT 1 FROM "Variant" v
                     WHERE v."productId" = p.id AND v.available AND COALESCE(v.price, p.price) IS NOT NULL)
      ) AS "offerableProducts"
    FROM "Shop" s
    WHERE s.id = ${shopId}::uuid`;
  return row ?? { settings: {}, offerableProducts: 0 };
}
