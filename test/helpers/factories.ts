import type { OrderLineSnapshot, OrderSnapshot, ProductSnapshot } from "~/lib/order-snapshot";
import type { OfferEventRow } from "~/models/offer-events.server";

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
      offerDiscount: line.offerDiscount ?? null,
    })),
  };
}

type VariantOverrides = Partial<ProductSnapshot["variants"][number]>;

/** A product as the products webhook would store it: active, in stock, one variant per given override. */
export function buildProduct({
  externalId,
  variants = [{}],
  ...overrides
}: Partial<Omit<ProductSnapshot, "variants">> & {
  externalId: string;
  variants?: VariantOverrides[];
}): ProductSnapshot {
  const built = variants.map((variant, index) => ({
    externalId: `${externalId}${index + 1}`,
    title: null,
    sku: null,
    price: "10.00",
    compareAtPrice: null,
    available: true,
    ...variant,
  }));
  return {
    externalId,
    title: `Product ${externalId}`,
    handle: null,
    productType: null,
    vendor: null,
    tags: [],
    price: built[0]?.price ?? null,
    imageUrl: `https://cdn.shopify.com/s/files/${externalId}.jpg`,
    status: "ACTIVE",
    available: built.some((variant) => variant.available),
    updatedAt: null,
    ...overrides,
    variants: built,
  };
}

/** A guest's checkout impression of an offer, as the events API stores it. */
export function buildImpression(offerId: string, occurredAt = new Date()): OfferEventRow {
  return {
    offerId,
    productId: "1",
    modelVersion: null,
    surface: "checkout",
    type: "impression",
    customerKey: null,
    occurredAt,
  };
}
