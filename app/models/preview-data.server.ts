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
