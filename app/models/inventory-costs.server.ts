import type { Db, Tx } from "~/db.server";
import type { InventoryCostSnapshot } from "~/lib/order-snapshot";

/**
 * Stores what Shopify says inventory items cost (from inventory_items webhooks or the bulk import),
 * an older snapshot (by the item's updated_at) never overwriting a newer one, then gives the shop's
 * variants of those items their cost. An item no stored variant holds yet keeps its cost here: its
 * product's webhook or import, which may come later, picks it up (see applyInventoryCosts). Returns
 * how many variants' costs changed.
 */
export async function recordInventoryCosts(
  tx: Tx | Db,
  { shopId, costs }: { shopId: string; costs: InventoryCostSnapshot[] },
): Promise<number> {
  // One row per item, its newest snapshot: a statement cannot update the same row twice.
  const newest = new Map<string, InventoryCostSnapshot>();
  for (const cost of costs) {
    const kept = newest.get(cost.inventoryItemId);
    const at = (snapshot: InventoryCostSnapshot) =>
      snapshot.updatedAt ? Date.parse(snapshot.updatedAt) : Number.NEGATIVE_INFINITY;
    if (!kept || at(kept) <= at(cost)) newest.set(cost.inventoryItemId, cost);
  }
  const unique = [...newest.values()];
  if (unique.length === 0) return 0;
  const ids = unique.map((cost) => cost.inventoryItemId);
  await lockProductsOf(tx, { shopId, inventoryItemIds: ids });
  const written = await tx.$queryRaw<Array<{ inventoryItemId: string }>>`
    INSERT INTO "InventoryItemCost" ("shopId", "inventoryItemId", "unitCost", "sourceUpdatedAt")
    SELECT ${shopId}::uuid, t.id, t.unit_cost, t.updated_at::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${ids}::text[], ${unique.map((cost) => cost.unitCost)}::numeric[],
      ${unique.map((cost) => cost.updatedAt)}::text[]) AS t(id, unit_cost, updated_at)
    ON CONFLICT ("shopId", "inventoryItemId") DO UPDATE SET
      "unitCost" = EXCLUDED."unitCost", "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt"
    -- A snapshot without a date fills a gap but never replaces a dated cost, which may be newer.
    WHERE EXCLUDED."sourceUpdatedAt" IS NOT NULL AND ("InventoryItemCost"."sourceUpdatedAt" IS NULL
      OR "InventoryItemCost"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt")
    RETURNING "inventoryItemId"`;
  return applyInventoryCosts(tx, { shopId, inventoryItemIds: written.map((row) => row.inventoryItemId) });
}

/**
 * Gives the shop's variants of these inventory items the costs stored for the items, and touches
 * the products whose variants changed, so servers re-read the catalog (its signature follows the
 * products' rows). A variant whose item has no stored cost keeps its own: a product's webhook, which
 * carries no cost, never erases one. Returns how many variants changed.
 */
export async function applyInventoryCosts(
  tx: Tx | Db,
  { shopId, inventoryItemIds }: { shopId: string; inventoryItemIds: string[] },
): Promise<number> {
  const ids = [...new Set(inventoryItemIds)];
  if (ids.length === 0) return 0;
  await lockProductsOf(tx, { shopId, inventoryItemIds: ids });
  const changed = await tx.$queryRaw<Array<{ productId: bigint }>>`
    UPDATE "Variant" v SET "unitCost" = c."unitCost"
    FROM "Product" p, "InventoryItemCost" c
    WHERE p.id = v."productId" AND p."shopId" = ${shopId}::uuid
      AND c."shopId" = ${shopId}::uuid AND c."inventoryItemId" = v."inventoryItemId"
      AND v."inventoryItemId" = ANY(${ids}::text[])
      AND v."unitCost" IS DISTINCT FROM c."unitCost"
    RETURNING v."productId"`;
  if (changed.length === 0) return 0;
  await tx.$executeRaw`
    UPDATE "Product" SET "updatedAt" = now()
    WHERE id = ANY(${[...new Set(changed.map((row) => row.productId))]}::bigint[])`;
  return changed.length;
}

/**
 * Locks the shop's products holding these items, in id order, before their variants: the order in
 * which a product's webhook or import takes them, so the two never deadlock.
 */
async function lockProductsOf(
  tx: Tx | Db,
  { shopId, inventoryItemIds }: { shopId: string; inventoryItemIds: string[] },
) {
  await tx.$queryRaw`
    SELECT p.id FROM "Product" p
    WHERE p."shopId" = ${shopId}::uuid AND EXISTS (SELECT 1 FROM "Variant" v
      WHERE v."productId" = p.id AND v."inventoryItemId" = ANY(${inventoryItemIds}::text[]))
    ORDER BY p.id FOR UPDATE`;
}

/** Whether a variant of another shop than `shopDomain` holds this inventory item (ids are global). */
export async function inventoryItemOfAnotherShop(
  tx: Tx | Db,
  { shopDomain, inventoryItemId }: { shopDomain: string; inventoryItemId: string },
): Promise<boolean> {
  const found = await tx.variant.findFirst({
    where: { inventoryItemId, product: { source: "shopify", shop: { domain: { not: shopDomain } } } },
    select: { id: true },
  });
  return found !== null;
}
