import { type Db, hotQuery, type Tx } from "~/db.server";

const INSERT_BATCH = 5_000;

/**
 * Replaces what is stored of one collection with the products just read from Shopify, in one
 * transaction, so serving sees the old membership or the new one, never a part. Syncs of the same
 * collection take turns.
 */
export async function replaceCollectionProducts(
  database: Db,
  {
    shopId,
    collectionId,
    productIds,
  }: { shopId: string; collectionId: string; productIds: readonly string[] },
): Promise<void> {
  const unique = [...new Set(productIds)];
  await database.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`collection:${shopId}:${collectionId}`}, 0))`;
    await tx.collectionProduct.deleteMany({ where: { shopId, collectionId } });
    for (let start = 0; start < unique.length; start += INSERT_BATCH) {
      await tx.collectionProduct.createMany({
        data: unique
          .slice(start, start + INSERT_BATCH)
          .map((productId) => ({ shopId, collectionId, productId })),
      });
    }
  });
}

/** Forgets the stored products of the shop's collections other than `keep`; the number of rows removed. */
export async function forgetCollectionsExcept(
  tx: Tx | Db,
  { shopId, keep }: { shopId: string; keep: readonly string[] },
): Promise<number> {
  const { count } = await tx.collectionProduct.deleteMany({
    where: { shopId, collectionId: { notIn: [...keep] } },
  });
  return count;
}

/**
 * The products of the given collections, as last synced. Read when a server refreshes a shop's
 * cached serving state, never per request, with hotQuery like the rest of that state.
 */
export async function productsInCollections({
  shopId,
  collectionIds,
}: {
  shopId: string;
  collectionIds: readonly string[];
}): Promise<Set<string>> {
  if (collectionIds.length === 0) return new Set();
  const rows = await hotQuery<{ productId: string }>(
    "collection-products",
    `SELECT DISTINCT "productId" FROM "CollectionProduct"
     WHERE "shopId" = $1::uuid AND "collectionId" = ANY($2::text[])`,
    [shopId, collectionIds],
  );
  return new Set(rows.map((row) => row.productId));
}

/** Installed shops that exclude collections, or still have synced collections to forget. */
export async function shopsWithCollections(tx: Tx | Db): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ domain: string }>>`
    SELECT s.domain FROM "Shop" s
    WHERE s."uninstalledAt" IS NULL AND (
      -- CASE, not AND: Postgres may evaluate AND's operands in any order, and jsonb_array_length
      -- fails on a stored value that is not an array.
      CASE WHEN jsonb_typeof(s.settings->'excludedCollectionIds') = 'array'
        THEN jsonb_array_length(s.settings->'excludedCollectionIds') > 0 ELSE false END
      OR CASE WHEN jsonb_typeof(s.settings->'discounts'->'excludedCollectionIds') = 'array'
        THEN jsonb_array_length(s.settings->'discounts'->'excludedCollectionIds') > 0 ELSE false END
      OR EXISTS (SELECT 1 FROM "CollectionProduct" c WHERE c."shopId" = s.id))
    ORDER BY s.domain`;
  return rows.map((row) => row.domain);
}
