import { type Db, Prisma, type Tx } from "~/db.server";
import type { OrderSnapshot, RefundSnapshot } from "~/lib/order-snapshot";
import { redeemGrants } from "./offer-grants.server";

export type OrderSource = "shopify" | "csv";

/**
 * Inserts or updates orders and their lines in three statements, whatever the batch size. Used by
 * webhooks (a batch of one), the Admin API backfill and CSV imports alike. An update older than
 * what is stored (by Shopify's updated_at) leaves the order untouched. Lines are keyed by their
 * external id, so a replay never adds a line twice. Returns the ids of the orders written.
 */
export async function upsertOrderBatch(
  tx: Tx | Db,
  {
    shopId,
    source,
    orders,
    replaceLinesOf,
  }: {
    shopId: string;
    source: OrderSource;
    orders: OrderSnapshot[];
    /** orders whose stored lines are dropped first, so the batch's lines become all of their lines */
    replaceLinesOf?: ReadonlySet<string>;
  },
): Promise<Map<string, bigint>> {
  const written = new Map<string, bigint>();
  if (orders.length === 0) return written;
  const rows = await tx.$queryRaw<Array<{ id: bigint; externalId: string }>>`
    INSERT INTO "Order" ("shopId", "source", "externalId", "customerKey", "orderedAt", "sourceUpdatedAt",
      "currency", "totalPrice", "totalDiscounts", "financialStatus", "cancelledAt", "test", "updatedAt")
    SELECT ${shopId}::uuid, ${source}, t.external_id,
      -- A customer erased by customers/redact is never linked to an order again.
      CASE WHEN EXISTS (SELECT 1 FROM "CustomerRedaction" r
                        WHERE r."shopId" = ${shopId}::uuid AND r."customerKey" = t.customer_key)
        THEN NULL ELSE t.customer_key END,
      t.ordered_at::timestamptz AT TIME ZONE 'UTC', t.updated_at::timestamptz AT TIME ZONE 'UTC',
      t.currency, t.total_price, t.total_discounts, t.financial_status,
      t.cancelled_at::timestamptz AT TIME ZONE 'UTC', t.test, now()
    FROM unnest(
      ${orders.map((o) => o.externalId)}::text[], ${orders.map((o) => o.customerKey)}::text[],
      ${orders.map((o) => o.orderedAt)}::text[], ${orders.map((o) => o.updatedAt)}::text[],
      ${orders.map((o) => o.currency)}::text[], ${orders.map((o) => o.totalPrice)}::numeric[],
      ${orders.map((o) => o.totalDiscounts ?? null)}::numeric[],
      ${orders.map((o) => o.financialStatus)}::text[], ${orders.map((o) => o.cancelledAt)}::text[],
      ${orders.map((o) => o.test)}::boolean[]
    ) AS t(external_id, customer_key, ordered_at, updated_at, currency, total_price, total_discounts,
           financial_status, cancelled_at, test)
    ON CONFLICT ("shopId", "source", "externalId") DO UPDATE SET
      -- A CSV order's rows may come in several batches, and exports often fill these on one row only.
      "customerKey" = CASE WHEN "Order".source = 'csv' THEN COALESCE(EXCLUDED."customerKey", "Order"."customerKey")
        ELSE EXCLUDED."customerKey" END,
      "orderedAt" = CASE WHEN "Order".source = 'csv' THEN COALESCE(EXCLUDED."orderedAt", "Order"."orderedAt")
        ELSE EXCLUDED."orderedAt" END,
      "sourceUpdatedAt" = EXCLUDED."sourceUpdatedAt",
      "currency" = EXCLUDED."currency",
      "totalPrice" = COALESCE(EXCLUDED."totalPrice", "Order"."totalPrice"),
      "totalDiscounts" = COALESCE(EXCLUDED."totalDiscounts", "Order"."totalDiscounts"),
      "financialStatus" = EXCLUDED."financialStatus",
      "cancelledAt" = EXCLUDED."cancelledAt",
      "test" = EXCLUDED."test",
      -- Moved only by a real change (below, by a change of lines too): the nightly training asks
      -- whether orders changed, and a re-imported file changes none.
      "updatedAt" = CASE WHEN ROW(
          CASE WHEN "Order".source = 'csv' THEN COALESCE(EXCLUDED."customerKey", "Order"."customerKey")
            ELSE EXCLUDED."customerKey" END,
          CASE WHEN "Order".source = 'csv' THEN COALESCE(EXCLUDED."orderedAt", "Order"."orderedAt")
            ELSE EXCLUDED."orderedAt" END,
          EXCLUDED."sourceUpdatedAt", EXCLUDED."currency", COALESCE(EXCLUDED."totalPrice", "Order"."totalPrice"),
          COALESCE(EXCLUDED."totalDiscounts", "Order"."totalDiscounts"),
          EXCLUDED."financialStatus", EXCLUDED."cancelledAt", EXCLUDED."test")
        IS DISTINCT FROM ROW("Order"."customerKey", "Order"."orderedAt", "Order"."sourceUpdatedAt",
          "Order"."currency", "Order"."totalPrice", "Order"."totalDiscounts", "Order"."financialStatus",
          "Order"."cancelledAt", "Order"."test")
        THEN now() ELSE "Order"."updatedAt" END
    WHERE "Order"."sourceUpdatedAt" IS NULL OR EXCLUDED."sourceUpdatedAt" IS NULL
      OR "Order"."sourceUpdatedAt" <= EXCLUDED."sourceUpdatedAt"
    RETURNING id, "externalId"`;
  for (const row of rows) written.set(row.externalId, row.id);

  const replaced = [...(replaceLinesOf ?? [])].flatMap((id) => written.get(id) ?? []);
  const lines = orders.flatMap((order) => {
    const orderId = written.get(order.externalId);
    return orderId === undefined ? [] : order.lines.map((line) => ({ orderId, ...line }));
  });
  // The batch's lines as rows, for the statements below.
  const batchLines = Prisma.sql`unnest(
    ${lines.map((l) => l.orderId)}::bigint[], ${lines.map((l) => l.externalId)}::text[],
    ${lines.map((l) => l.productId)}::text[], ${lines.map((l) => l.variantId)}::text[],
    ${lines.map((l) => l.title)}::text[], ${lines.map((l) => l.category)}::text[],
    ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.currentQuantity)}::int[],
    ${lines.map((l) => l.unitPrice)}::numeric[], ${lines.map((l) => l.offerId)}::text[],
    ${lines.map((l) => l.offerDiscount)}::numeric[]
  ) AS t(order_id, external_id, product_id, variant_id, title, category, quantity, current_quantity, unit_price,
         offer_id, offer_discount)`;
  const changed = new Set<bigint>();
  if (replaced.length > 0) {
    // Only the stored lines the batch does not carry as they are: a line kept unchanged stays put.
    const gone = await tx.$queryRaw<Array<{ orderId: bigint }>>`
      DELETE FROM "OrderLine" l WHERE l."orderId" = ANY(${replaced}::bigint[])
        AND NOT EXISTS (SELECT 1 FROM ${batchLines}
        WHERE t.order_id = l."orderId" AND t.external_id = l."externalId"
          AND ROW(t.product_id, t.variant_id, t.title, t.category, t.quantity, t.current_quantity, t.unit_price,
                  COALESCE(t.offer_id, l."offerId"), COALESCE(t.offer_discount, l."offerDiscount"))
            IS NOT DISTINCT FROM ROW(l."productId", l."variantId", l."title", l."category", l."quantity",
                  l."currentQuantity", l."unitPrice", l."offerId", l."offerDiscount"))
      RETURNING l."orderId"`;
    for (const row of gone) changed.add(row.orderId);
  }

  if (lines.length > 0) {
    const upserted = await tx.$queryRaw<Array<{ orderId: bigint }>>`
      INSERT INTO "OrderLine" ("orderId", "externalId", "productId", "variantId", "title", "category",
        "quantity", "currentQuantity", "refundedQuantity", "unitPrice", "offerId", "offerDiscount")
      SELECT t.order_id, t.external_id, t.product_id, t.variant_id, t.title, t.category,
        t.quantity, t.current_quantity, GREATEST(0, t.quantity - t.current_quantity), t.unit_price, t.offer_id,
        t.offer_discount
      FROM ${batchLines}
      ON CONFLICT ("orderId", "externalId") DO UPDATE SET
        "productId" = EXCLUDED."productId",
        "variantId" = EXCLUDED."variantId",
        "title" = EXCLUDED."title",
        "category" = EXCLUDED."category",
        "quantity" = EXCLUDED."quantity",
        "currentQuantity" = EXCLUDED."currentQuantity",
        "refundedQuantity" = EXCLUDED."refundedQuantity",
        "unitPrice" = EXCLUDED."unitPrice",
        "offerId" = COALESCE(EXCLUDED."offerId", "OrderLine"."offerId"),
        "offerDiscount" = COALESCE(EXCLUDED."offerDiscount", "OrderLine"."offerDiscount")
      WHERE ROW(EXCLUDED."productId", EXCLUDED."variantId", EXCLUDED."title", EXCLUDED."category",
          EXCLUDED."quantity", EXCLUDED."currentQuantity", EXCLUDED."unitPrice",
          COALESCE(EXCLUDED."offerId", "OrderLine"."offerId"),
          COALESCE(EXCLUDED."offerDiscount", "OrderLine"."offerDiscount"))
        IS DISTINCT FROM ROW("OrderLine"."productId", "OrderLine"."variantId", "OrderLine"."title",
          "OrderLine"."category", "OrderLine"."quantity", "OrderLine"."currentQuantity", "OrderLine"."unitPrice",
          "OrderLine"."offerId", "OrderLine"."offerDiscount")
      RETURNING "orderId"`;
    for (const row of upserted) changed.add(row.orderId);
  }
  if (changed.size > 0) {
    await tx.$executeRaw`
      UPDATE "Order" SET "updatedAt" = now() WHERE id = ANY(${[...changed]}::bigint[])`;
  }

  const refunds = orders.flatMap((order) => (written.has(order.externalId) ? order.refunds : []));
  await insertRefunds(tx, { shopId, refunds });
  if (source === "shopify") {
    await recomputeRefundedQuantities(tx, [...written.values()]);
    // An offer's discount now costs what the order received, no longer what the grant set aside.
    // Only where the order says our discount took something: an order read without its allocations
    // (the history import) leaves the grant counted until it expires.
    const offerIds = [
      ...new Set(
        lines.flatMap((line) => (line.offerId && line.offerDiscount !== null ? [line.offerId] : [])),
      ),
    ];
    await redeemGrants(tx, { shopId, offerIds, at: new Date() });
  }
  return written;
}

/**
 * Stores refunds by Shopify refund id (a refund seen twice counts once) and updates their orders' lines.
 * The orders are locked first, in id order, as upsertOrderBatch locks them (its upsert takes the order
 * row, then the lines, then inserts refunds): taking the refund key before the order would deadlock
 * with an orders/updated of the same order carrying the same refund.
 */
export async function recordRefunds(
  tx: Tx | Db,
  { shopId, refunds }: { shopId: string; refunds: RefundSnapshot[] },
) {
  if (refunds.length === 0) return;
  const orders = await tx.$queryRaw<Array<{ id: bigint }>>`
    SELECT id FROM "Order"
    WHERE "shopId" = ${shopId}::uuid AND source = 'shopify'
      AND "externalId" = ANY(${[...new Set(refunds.map((r) => r.orderExternalId))]}::text[])
    ORDER BY id FOR UPDATE`;
  await insertRefunds(tx, { shopId, refunds });
  await recomputeRefundedQuantities(
    tx,
    orders.map((order) => order.id),
  );
}

/** Whether a Shopify order of one of these ids is stored for another shop than `shopDomain`. */
export async function ordersOfAnotherShop(
  tx: Tx | Db,
  { shopDomain, externalIds }: { shopDomain: string; externalIds: string[] },
): Promise<boolean> {
  const found = await tx.order.findFirst({
    where: { source: "shopify", externalId: { in: externalIds }, shop: { domain: { not: shopDomain } } },
    select: { id: true },
  });
  return found !== null;
}

async function insertRefunds(
  tx: Tx | Db,
  { shopId, refunds }: { shopId: string; refunds: RefundSnapshot[] },
) {
  if (refunds.length === 0) return;
  await tx.refund.createMany({
    data: refunds.map((refund) => ({
      shopId,
      externalId: refund.externalId,
      orderExternalId: refund.orderExternalId,
      createdAtShop: refund.createdAt ? new Date(refund.createdAt) : null,
      lines: refund.lines,
    })),
    skipDuplicates: true,
  });
}

/**
 * refundedQuantity = the larger of what the latest order snapshot says was removed and what the
 * recorded refunds add up to, never more than the quantity ordered. Either may arrive first.
 */
async function recomputeRefundedQuantities(tx: Tx | Db, orderIds: bigint[]) {
  if (orderIds.length === 0) return;
  await tx.$executeRaw`
    UPDATE "OrderLine" l SET "refundedQuantity" = LEAST(l.quantity, GREATEST(l.quantity - l."currentQuantity", COALESCE((
      SELECT SUM((e->>'quantity')::int)
      FROM "Order" o
      JOIN "Refund" r ON r."shopId" = o."shopId" AND r."orderExternalId" = o."externalId"
      CROSS JOIN LATERAL jsonb_array_elements(r.lines) e
      WHERE o.id = l."orderId" AND e->>'lineItemId' = l."externalId"), 0)))
    WHERE l."orderId" = ANY(${orderIds}::bigint[])`;
}

/** Sets CSV orders' totals from their lines (their rows may have arrived in several batches). */
export async function totalCsvOrders(tx: Tx | Db, shopId: string) {
  await tx.$executeRaw`
    UPDATE "Order" o SET "totalPrice" = s.total
    FROM (SELECT l."orderId", SUM(l.quantity * COALESCE(l."unitPrice", 0)) AS total
          FROM "OrderLine" l JOIN "Order" o2 ON o2.id = l."orderId"
          WHERE o2."shopId" = ${shopId}::uuid AND o2.source = 'csv' GROUP BY l."orderId") s
    WHERE o.id = s."orderId" AND o."totalPrice" IS DISTINCT FROM s.total`;
}

/** Deletes a customer's orders (by key, and the listed Shopify order ids); lines go with them. */
export async function deleteCustomerOrders(
  tx: Tx,
  { shopId, customerKey, orderIds }: { shopId: string; customerKey: string | null; orderIds: string[] },
): Promise<number> {
  const byKey = customerKey ? [{ customerKey }] : [];
  const byId = orderIds.length > 0 ? [{ source: "shopify", externalId: { in: orderIds } }] : [];
  if (byKey.length + byId.length === 0) return 0;
  const refunded = await customerShopifyOrderIds(tx, { shopId, customerKey, orderIds });
  const { count } = await tx.order.deleteMany({ where: { shopId, OR: [...byKey, ...byId] } });
  await tx.refund.deleteMany({ where: { shopId, orderExternalId: { in: refunded } } });
  return count;
}

/** The Shopify ids of a customer's orders: those named, and those stored under their key. */
export async function customerShopifyOrderIds(
  tx: Tx | Db,
  { shopId, customerKey, orderIds }: { shopId: string; customerKey: string | null; orderIds: string[] },
): Promise<string[]> {
  const stored = customerKey
    ? await tx.order.findMany({
        where: { shopId, customerKey, source: "shopify" },
        select: { externalId: true },
      })
    : [];
  return [...new Set([...orderIds, ...stored.map((order) => order.externalId)])];
}

/** Everything stored about a customer's orders, for a data request. */
export async function customerOrders(
  tx: Tx | Db,
  { shopId, customerKey, orderIds }: { shopId: string; customerKey: string | null; orderIds: string[] },
) {
  const byKey = customerKey ? [{ customerKey }] : [];
  const byId = orderIds.length > 0 ? [{ source: "shopify", externalId: { in: orderIds } }] : [];
  if (byKey.length + byId.length === 0) return [];
  return tx.order.findMany({
    where: { shopId, OR: [...byKey, ...byId] },
    orderBy: { orderedAt: "asc" },
    select: {
      externalId: true,
      source: true,
      orderedAt: true,
      currency: true,
      totalPrice: true,
      financialStatus: true,
      cancelledAt: true,
      lines: {
        select: {
          productId: true,
          variantId: true,
          title: true,
          quantity: true,
          refundedQuantity: true,
          unitPrice: true,
          offerId: true,
        },
      },
    },
  });
}

/**
 * Whether any of the shop's orders or products was written since `since` (orders move updatedAt only
 * on a real change): what decides if an import brought anything to train on.
 */
export async function shopDataChangedSince(
  tx: Tx | Db,
  { shopId, since }: { shopId: string; since: Date },
): Promise<boolean> {
  const [order, product] = await Promise.all([
    tx.order.findFirst({ where: { shopId, updatedAt: { gte: since } }, select: { id: true } }),
    tx.product.findFirst({ where: { shopId, updatedAt: { gte: since } }, select: { id: true } }),
  ]);
  return order !== null || product !== null;
}
