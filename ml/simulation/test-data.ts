import type { OrderRow } from "../data/csv";

/** Builds order rows for tests from compact [orderId, customerId, isoDate, products] tuples. */
export function rowsOf(orders: Array<[string, string, string, string[]]>): OrderRow[] {
  return orders.flatMap(([orderId, customerId, orderedAt, products]) =>
    products.map((productId) => ({
      orderId,
      customerId,
      productId,
      orderedAt,
      productTitle: `Title ${productId}`,
      productCategory: "",
    })),
  );
}
