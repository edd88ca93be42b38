import type { OrderLineSnapshot, OrderSnapshot } from "~/lib/order-snapshot";

type LineOverrides = Partial<OrderLineSnapshot> & Pick<OrderLineSnapshot, "productId">;

/** An order as the webhook reducer or an import would produce it; one line per given product. */
export function buildOrder({
  externalId,
  customerKey = null,
  orderedAt = "2026-10-01T10:00:00Z",
  lines,
  ...overrides
}: Partial<Omit<OrderSnapshot, "lines">> & { externalId: string; lines: LineOverrides[] }): OrderSnapshot {
  return {
    externalId,
    orderedAt,
    updatedAt: orderedAt,
    customerKey,
    currency: "EUR",
    totalPrice: "10.00",
    financialStatus: "paid",
    cancelledAt: null,
    test: false,
    refunds: [],
    ...overrides,
    lines: lines.map((line, index) => ({
      externalId: `${externalId}-${index + 1}`,
      variantId: null,
      title: `Line title ${line.productId}`,
      category: null,
      quantity: 1,
      currentQuantity: line.quantity ?? 1,
      unitPrice: "5.00",
      offerId: null,
      ...line,
    })),
  };
}
