/** The shared order-lines CSV format: one row per order line, this header first. */
export const ORDER_LINES_HEADER = [
  "order_id",
  "customer_id",
  "product_id",
  "quantity",
  "unit_price",
  "ordered_at",
  "product_title",
  "product_category",
] as const;
