import type { Db, Tx } from "~/db.server";
import type { ProductVariantSnapshot } from "~/lib/bulk-jsonl";
import type { ProductSnapshot } from "~/lib/order-snapshot";
import { applyInventoryCosts } from "./inventory-costs.server";

/**
 * Inserts or updates products (and, when `replaceVariants`, makes their variants exactly those
 * given, each with the cost stored for its inventory item). Older snapshots (by Shopify's updated_at) never overwrite newer ones. With
 * `insertOnly` (products known only from an order file) existing products are left untouched: a
 * file knows nothing of a product's status, stock or tags, and such products are marked as the
 * file's (source csv) until Shopify's snapshot updates them. A deleted product comes back only with a
 * snapshot newer than its deletion (Shopify never reuses ids, so a late update never revives one).
 */
export async function upsertProductBatch(
  tx: Tx | Db,
  {
    shopId,
    products,
    replaceVariants,
    insertOnly = false,
  }: { shopId: string; products: ProductSnapshot[]; replaceVariants: boolean; insertOnly?: boolean },
): Promise<Map<string, bigint>> {
  const written = new Map<string, bigint>();
  if (products.length === 0) return written;
  const rows = await tx.$queryRaw<Array<{ id: bigint; externalId: string }>>`
    INSERT INTO "Product" ("shopId", "externalId", "title", "handle", "productType", "vendor", "tags", "price",
      "imageUrl", "status", "available", "sourceUpdatedAt", "source", "updatedAt")
    SELECT ${shopId}::uuid, t.external_id, t.title, t.handle, t.product_type, t.vendor,
      COALESCE((SELECT array_agg(x) FROM jsonb_array_elements_text(t.tags::jsonb) x), '{}'),
      t.price, t.image_url, t.status, t.available, t.updated_at::timestamptz AT TIME ZONE 'UTC',
      ${insertOnly ? "csv" : "shopify"}, now()
    FROM unnest(
      ${products.map((p) => p.externalId)}::text[], ${products.map((p) => p.title)}::text[],
      ${products.map((p) => p.handle)}::text[], ${products.map((p) => p.productType)}::text[],
      ${products.map((p) => p.vendor)}::text[], ${products.map((p) => JSON.stringify(p.tags))}::text[],
      ${products.map((p) => p.price)}::numeric[], ${products.map((p) => p.imageUrl)}::text[],
      ${products.map((p) => p.status)}::text[], ${products.map((p) => p.available)}::boolean[],
      ${products.map((p) => p.updatedAt)}::text[]
    ) AS t(external_id, title, handle, product_type, vendor, tags, price, image_url, status, available, updated_at)
    WHERE NOT EXISTS (SELECT 1 FROM "ProductDeletion" d
      WHERE d."shopId" = ${shopId}::uuid AND d."externalId" = t.external_id
        AND (t.updated_at IS NULL OR d."deletedAt" >= t.updated_at::timestamptz AT TIME ZONE 'UTC'))
    ON CONFLICT ("shopId", "externalId") DO UPDATE SET
      "title" = EXCLUDED."title",
      "handle" = COALESCE(EXCLUDED."handle", "Product"."handle"),
      "productType" = COALESCE(EXCLUDED."productType", "Product"."productType"),
      "vendor" = COALESCE(EXCLUDED."vendor", "Product"."vendor"),
      "tags" = EXCLUDED."tags",
      "price" = COALESCE(EXCLUDED."price", "Product"."price"),
      "imageUrl" = COALESCE(EXCLUDED."imageUrl", "Product"."imageUrl"),
      "status" = EXCLUDED."status",
      "available" = EXCLUDED."available",
      "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt",
      "source" = EXCLUDED."source",
      "updatedAt" = now()
    WHERE NOT ${insertOnly} AND ("Product"."sourceUpdatedAt" IS NULL OR EXCLUDED."sourceUpdatedAt" IS NULL
      OR "Product"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt")
    RETURNING id, "externalId"`;
  for (const row of rows) written.set(row.externalId, row.id);
  // A product Shopify describes has Shopify's variants only: an order file's stand-in goes.
  if (!insertOnly && written.size > 0)
    await tx.$executeRaw`
      DELETE FROM "Variant" WHERE "productId" = ANY(${[...written.values()]}::bigint[])
        AND "externalId" = ${FILE_VARIANT_ID}`;
  if (!replaceVariants || written.size === 0) return written;

  const variants = products.flatMap((product) => {
    const productId = written.get(product.externalId);
    return productId === undefined ? [] : product.variants.map((variant) => ({ productId, ...variant }));
  });
  await tx.$executeRaw`
    DELETE FROM "Variant" v WHERE v."productId" = ANY(${[...written.values()]}::bigint[])
      AND NOT EXISTS (SELECT 1 FROM unnest(${variants.map((v) => v.productId)}::bigint[],
        ${variants.map((v) => v.externalId)}::text[]) AS k(product_id, external_id)
        WHERE k.product_id = v."productId" AND k.external_id = v."externalId")`;
  if (variants.length === 0) return written;
  await tx.$executeRaw`
    INSERT INTO "Variant" ("productId", "externalId", "title", "sku", "price", "compareAtPrice", "available",
      "inventoryItemId")
    SELECT * FROM unnest(
      ${variants.map((v) => v.productId)}::bigint[], ${variants.map((v) => v.externalId)}::text[],
      ${variants.map((v) => v.title)}::text[], ${variants.map((v) => v.sku)}::text[],
      ${variants.map((v) => v.price)}::numeric[], ${variants.map((v) => v.compareAtPrice)}::numeric[],
      ${variants.map((v) => v.available)}::boolean[], ${variants.map((v) => v.inventoryItemId ?? null)}::text[])
    ON CONFLICT ("productId", "externalId") DO UPDATE SET
      "title" = EXCLUDED."title", "sku" = EXCLUDED."sku", "price" = EXCLUDED."price",
      "compareAtPrice" = EXCLUDED."compareAtPrice", "available" = EXCLUDED."available",
      "inventoryItemId" = COALESCE(EXCLUDED."inventoryItemId", "Variant"."inventoryItemId")`;
  await applyInventoryCosts(tx, { shopId, inventoryItemIds: inventoryItemsOf(variants) });
  return written;
}

function inventoryItemsOf(variants: ReadonlyArray<{ inventoryItemId?: string | null }>): string[] {
  return variants.flatMap((v) => (v.inventoryItemId ? [v.inventoryItemId] : []));
}

/**
 * Stores variants of stored products (named by their Shopify ids), leaving their other variants
 * alone, then sets the price and availability of those products and of `productExternalIds` from
 * all their stored variants: for products stored without the variants they have.
 */
export async function upsertVariantsOf(
  tx: Tx | Db,
  {
    shopId,
    variants,
    productExternalIds,
  }: { shopId: string; variants: ProductVariantSnapshot[]; productExternalIds: string[] },
) {
  // One row per variant: a statement cannot update the same row twice.
  const unique = [...new Map(variants.map((v) => [`${v.productExternalId}/${v.externalId}`, v])).values()];
  if (unique.length > 0)
    await tx.$executeRaw`
      INSERT INTO "Variant" ("productId", "externalId", "title", "sku", "price", "compareAtPrice", "available",
        "inventoryItemId")
      SELECT p.id, t.external_id, t.title, t.sku, t.price, t.compare_at_price, t.available, t.inventory_item_id
      FROM unnest(
        ${unique.map((v) => v.productExternalId)}::text[], ${unique.map((v) => v.externalId)}::text[],
        ${unique.map((v) => v.title)}::text[], ${unique.map((v) => v.sku)}::text[],
        ${unique.map((v) => v.price)}::numeric[], ${unique.map((v) => v.compareAtPrice)}::numeric[],
        ${unique.map((v) => v.available)}::boolean[], ${unique.map((v) => v.inventoryItemId ?? null)}::text[]
      ) AS t(product_external_id, external_id, title, sku, price, compare_at_price, available, inventory_item_id)
      JOIN "Product" p ON p."shopId" = ${shopId}::uuid AND p."externalId" = t.product_external_id
      ON CONFLICT ("productId", "externalId") DO UPDATE SET
        "title" = EXCLUDED."title", "sku" = EXCLUDED."sku", "price" = EXCLUDED."price",
        "compareAtPrice" = EXCLUDED."compareAtPrice", "available" = EXCLUDED."available",
        "inventoryItemId" = COALESCE(EXCLUDED."inventoryItemId", "Variant"."inventoryItemId")`;
  await applyInventoryCosts(tx, { shopId, inventoryItemIds: inventoryItemsOf(unique) });
  const products = [...new Set([...productExternalIds, ...unique.map((v) => v.productExternalId)])];
  if (products.length === 0) return;
  await tx.$executeRaw`
    UPDATE "Product" p SET
      "available" = EXISTS (SELECT 1 FROM "Variant" v WHERE v."productId" = p.id AND v."available"),
      "price" = COALESCE((SELECT min(v."price") FROM "Variant" v WHERE v."productId" = p.id), p."price"),
      "updatedAt" = now()
    WHERE p."shopId" = ${shopId}::uuid AND p."externalId" = ANY(${products}::text[])`;
}

/** The id of the variant an order file's product gets: never a Shopify variant id, which is numeric. */
export const FILE_VARIANT_ID = "default";

/**
 * Gives the products known only from order files (source csv) what offering them needs, from the
 * shop's imported orders: the price of their latest priced line, and one available default variant
 * at that price. Idempotent: a second run over the same orders writes nothing, so a re-import
 * leaves the catalog, and servers' view of it, untouched.
 */
export async function refreshFileCatalog(tx: Tx | Db, shopId: string) {
  await tx.$executeRaw`
    UPDATE "Product" p SET "price" = latest.price, "updatedAt" = now()
    FROM (SELECT DISTINCT ON (l."productId") l."productId", l."unitPrice" AS price
          FROM "OrderLine" l JOIN "Order" o ON o.id = l."orderId"
          WHERE o."shopId" = ${shopId}::uuid AND o.source = 'csv' AND l."productId" IS NOT NULL
            AND l."unitPrice" > 0
          ORDER BY l."productId", o."orderedAt" DESC NULLS LAST, l.id DESC) latest
    WHERE p."shopId" = ${shopId}::uuid AND p.source = 'csv' AND p."externalId" = latest."productId"
      AND p."price" IS DISTINCT FROM latest.price`;
  await tx.$executeRaw`
    INSERT INTO "Variant" ("productId", "externalId", "price", "available")
    SELECT p.id, ${FILE_VARIANT_ID}, p."price", true FROM "Product" p
    WHERE p."shopId" = ${shopId}::uuid AND p.source = 'csv' AND p."price" > 0
    ON CONFLICT ("productId", "externalId") DO UPDATE SET "price" = EXCLUDED."price", "available" = true
    WHERE "Variant"."price" IS DISTINCT FROM EXCLUDED."price" OR NOT "Variant"."available"`;
}

/** Deletes a product and remembers when, so an older snapshot arriving late does not bring it back. */
export async function deleteProduct(
  tx: Tx | Db,
  { shopId, externalId, deletedAt }: { shopId: string; externalId: string; deletedAt: Date },
) {
  await tx.product.deleteMany({ where: { shopId, externalId } });
  await tx.$executeRaw`
    INSERT INTO "ProductDeletion" ("shopId", "externalId", "deletedAt") VALUES (${shopId}::uuid, ${externalId}, ${deletedAt})
    ON CONFLICT ("shopId", "externalId") DO UPDATE SET "deletedAt" = GREATEST("ProductDeletion"."deletedAt", EXCLUDED."deletedAt")`;
}

/**
 * Whether a product of this Shopify id came from Shopify for another shop than `shopDomain`. One
 * named only by an order file does not count: the file may be another shop's export.
 */
export async function productOfAnotherShop(
  tx: Tx | Db,
  { shopDomain, externalId }: { shopDomain: string; externalId: string },
): Promise<boolean> {
  const found = await tx.product.findFirst({
    where: { externalId, source: "shopify", shop: { domain: { not: shopDomain } } },
    select: { id: true },
  });
  return found !== null;
}

/** A LIKE pattern for text that contains `query` as typed: its `%`, `_` and `\` match themselves. */
export function likeContaining(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface ProductMatch {
  id: string;
  title: string;
}

/**
 * A shop's products whose title contains `query` (any case), those starting with it first. Only
 * products with a Shopify numeric id: the settings refuse anything else.
 */
export async function searchProductsByTitle(
  tx: Tx | Db,
  { shopId, query, limit }: { shopId: string; query: string; limit: number },
): Promise<ProductMatch[]> {
  const pattern = likeContaining(query);
  return tx.$queryRaw<ProductMatch[]>`
    SELECT "externalId" AS id, title FROM "Product"
    WHERE "shopId" = ${shopId}::uuid AND title ILIKE ${pattern} AND "externalId" ~ '^[0-9]{1,19}$'
    ORDER BY strpos(lower(title), lower(${query})), title, "externalId"
    LIMIT ${limit}`;
}

/** Whether the shop's catalog is known only from order files: no product came from Shopify. */
export async function isFileCatalog(tx: Tx | Db, shopId: string): Promise<boolean> {
  const shopifyProduct = await tx.product.findFirst({
    where: { shopId, source: "shopify" },
    select: { id: true },
  });
  return shopifyProduct === null;
}
