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

/** One customer counted as frequentCustomers counts them (a customer outside its list); null: no orders. */
export async function customerSummary(
  tx: Tx | Db,
  { shopId, customerKey }: { shopId: string; customerKey: string },
): Promise<PreviewCustomer | null> {
  const [row] = await tx.$queryRaw<PreviewCustomer[]>`
    SELECT "customerKey", count(*)::int AS orders, max("orderedAt") AS "lastOrderAt"
    FROM "Order"
    WHERE "shopId" = ${shopId}::uuid AND "customerKey" = ${customerKey} AND "cancelledAt" IS NULL AND NOT test
    GROUP BY "customerKey"`;
  return row ?? null;
}

export interface PreviewedOrder {
  orderNumber: string;
  customerKey: string | null;
  orderedAt: Date | null;
  /** the order's products, each once, in the order of its lines */
  productIds: string[];
}

/** An order by its number (the id in the shop or the imported file); null: no such order. */
export async function previewedOrder(
  tx: Tx | Db,
  { shopId, orderNumber }: { shopId: string; orderNumber: string },
): Promise<PreviewedOrder | null> {
  const order = await tx.order.findFirst({
    where: { shopId, externalId: orderNumber },
    orderBy: { source: "desc" },
    select: {
      externalId: true,
      customerKey: true,
      orderedAt: true,
      lines: { select: { productId: true }, orderBy: { id: "asc" } },
    },
  });
  if (!order) return null;
  const productIds = order.lines.flatMap((line) => (line.productId ? [line.productId] : []));
  return {
    orderNumber: order.externalId,
    customerKey: order.customerKey,
    orderedAt: order.orderedAt,
    productIds: [...new Set(productIds)],
  };
}

export interface PreviewPurchase {
  orderNumber: string;
  orderedAt: Date;
  products: Array<{ productId: string; title: string }>;
}

/**
 * The customer's latest orders before `before` (all, when null), newest first, with the products
 * that count as their history when offers are ranked: the same orders and lines customerHistory
 * reads (not cancelled, not test, dated; refunded lines left out).
 */
export async function customerPurchases(
  tx: Tx | Db,
  {
    shopId,
    customerKey,
    before,
    orders,
  }: { shopId: string; customerKey: string; before: Date | null; orders: number },
): Promise<PreviewPurchase[]> {
  const rows = await tx.$queryRaw<
    Array<{ orderNumber: string; orderedAt: Date; productId: string; title: string }>
  >`
    SELECT o."externalId" AS "orderNumber", o."orderedAt", l."productId",
      COALESCE(p.title, l.title, 'Product ' || l."productId") AS title
    FROM (SELECT id, "externalId", "orderedAt" FROM "Order"
          WHERE "shopId" = ${shopId}::uuid AND "customerKey" = ${customerKey}
            AND NOT test AND "cancelledAt" IS NULL AND "orderedAt" IS NOT NULL
            AND (${before}::timestamp IS NULL OR "orderedAt" < ${before}::timestamp)
          ORDER BY "orderedAt" DESC, id DESC LIMIT ${orders}) o
    JOIN "OrderLine" l ON l."orderId" = o.id
    LEFT JOIN "Product" p ON p."shopId" = ${shopId}::uuid AND p."externalId" = l."productId"
    WHERE l."productId" IS NOT NULL AND l.quantity > l."refundedQuantity"
    ORDER BY o."orderedAt" DESC, o.id DESC, l.id`;
  const byOrder = new Map<string, PreviewPurchase>();
  for (const row of rows) {
    const purchase = byOrder.get(row.orderNumber) ?? {
      orderNumber: row.orderNumber,
      orderedAt: row.orderedAt,
      products: [],
    };
    if (!purchase.products.some((product) => product.productId === row.productId))
      purchase.products.push({ productId: row.productId, title: row.title });
    byOrder.set(row.orderNumber, purchase);
  }
  return [...byOrder.values()];
}
