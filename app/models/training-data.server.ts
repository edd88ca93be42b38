import type { Db, Tx } from "~/db.server";
import type { CatalogProduct, OrderRow } from "~ml";

export interface TrainingRows {
  rows: OrderRow[];
  /** orders with at least one row */
  orders: number;
  dataFrom: Date | null;
  dataTo: Date | null;
}

interface LineRow {
  id: bigint;
  orderedAt: Date;
  customerKey: string | null;
  productId: string | null;
  title: string | null;
  category: string | null;
}

/**
 * A shop's purchases as the engine's order rows: one row per order line whose product was kept
 * (quantity − refunded quantity > 0), leaving out test orders, cancelled orders and orders without a
 * date (the holdout is the most recent orders). Orders are read a page at a time in (orderedAt, id)
 * order, so a big shop costs many small queries instead of one huge result. Titles and categories
 * come from the catalog when the product is known there, else from the line. Repeated strings are
 * shared, which keeps a million rows in a fraction of the memory.
 */
export async function loadTrainingRows(
  tx: Tx | Db,
  { shopId, upTo, pageSize = 5_000 }: { shopId: string; upTo: Date; pageSize?: number },
): Promise<TrainingRows> {
  const rows: OrderRow[] = [];
  const strings = new Map<string, string>();
  const shared = (value: string) => {
    const known = strings.get(value);
    if (known !== undefined) return known;
    strings.set(value, value);
    return value;
  };
  let orders = 0;
  let dataFrom: Date | null = null;
  let dataTo: Date | null = null;
  let after = { at: new Date(0), id: 0n };
  for (;;) {
    // Every order of the page comes back at least once (LEFT JOIN), so the cursor never skips one.
    const page = await tx.$queryRaw<LineRow[]>`
      WITH page AS (
        SELECT o.id, o."orderedAt", o."customerKey" FROM "Order" o
        WHERE o."shopId" = ${shopId}::uuid AND NOT o.test AND o."cancelledAt" IS NULL
          AND o."orderedAt" IS NOT NULL AND o."orderedAt" <= ${upTo}
          AND o."orderedAt" >= ${after.at} AND (o."orderedAt", o.id) > (${after.at}, ${after.id})
        ORDER BY o."orderedAt", o.id
        LIMIT ${pageSize})
      SELECT page.id, page."orderedAt", page."customerKey", l."productId",
        COALESCE(p.title, l.title) AS title, COALESCE(p."productType", l.category) AS category
      FROM page
      LEFT JOIN "OrderLine" l ON l."orderId" = page.id AND l."productId" IS NOT NULL
        AND l.quantity > l."refundedQuantity"
      LEFT JOIN "Product" p ON p."shopId" = ${shopId}::uuid AND p."externalId" = l."productId"
      ORDER BY page."orderedAt", page.id, l.id`;
    let lastOrder: bigint | undefined;
    let orderRow: Pick<OrderRow, "orderId" | "customerId" | "orderedAt"> | null = null;
    let orderCounted = false;
    let pageOrders = 0;
    for (const line of page) {
      if (line.id !== lastOrder) {
        lastOrder = line.id;
        pageOrders += 1;
        orderCounted = false;
        orderRow = {
          orderId: line.id.toString(),
          customerId: line.customerKey ? shared(line.customerKey) : "",
          orderedAt: line.orderedAt.toISOString(),
        };
        after = { at: line.orderedAt, id: line.id };
      }
      if (line.productId === null || orderRow === null) continue;
      if (!orderCounted) {
        orderCounted = true;
        orders += 1;
        dataFrom ??= line.orderedAt;
        dataTo = line.orderedAt;
      }
      rows.push({
        ...orderRow,
        productId: shared(line.productId),
        productTitle: shared(line.title ?? ""),
        productCategory: shared(line.category ?? ""),
      });
    }
    if (pageOrders < pageSize) break;
  }
  return { rows, orders, dataFrom, dataTo };
}

/** The shop's catalog as the engine's cold-start content, products nobody bought yet included. */
export async function loadCatalogProducts(tx: Tx | Db, shopId: string): Promise<CatalogProduct[]> {
  const products = await tx.product.findMany({
    where: { shopId },
    select: { externalId: true, title: true, productType: true, vendor: true, tags: true },
    orderBy: { externalId: "asc" },
  });
  return products.map((product) => ({
    id: product.externalId,
    title: product.title,
    type: product.productType,
    vendor: product.vendor,
    tags: product.tags,
  }));
}
