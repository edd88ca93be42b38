import type { Db, Tx } from "~/db.server";

export interface PreviewCustomer {
  customerKey: string;
  orders: number;
  lastOrderAt: Date | null;
}

/** The shop's customers with the most orders, for picking one to preview. */
export async function frequentCustomers(
  tx: Tx | Db,
  shopId: string,
  limit: number,
): Promise<PreviewCustomer[]> {
  return tx.$queryRaw<PreviewCustomer[]>`
    SELECT "customerKey", count(*)::int AS orders, max("orderedAt") AS "lastOrderAt"
    FROM "Order"
    WHERE "shopId" = ${shopId}::uuid AND "customerKey" IS NOT NULL AND "cancelledAt" IS NULL AND NOT test
    GROUP BY "customerKey"
    ORDER BY orders DESC, "customerKey"
    LIMIT ${limit}`;
}

/** The customer of an order, by its number (the id in the shop or the imported file); null: none or a guest. */
export async function customerOfOrder(tx: Tx | Db, shopId: string, orderNumber: string) {
  const order = await tx.order.findFirst({
    where: { shopId, externalId: orderNumber },
    select: { customerKey: true, orderedAt: true, lines: { select: { productId: true } } },
  });
  return order;
}

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
