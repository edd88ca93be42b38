import { z } from "zod";

/** The line property our checkout extension sets on lines it adds; the only property we keep. */
export const OFFER_PROPERTY = "_upsell_offer";
/** The longest offer id a line property may carry; a longer value is not one of ours. */
export const MAX_OFFER_ID_LENGTH = 96;
/**
 * The title of the shop's automatic offer discount, and the message the discount function gives each
 * discounted line: how an order's discount applications name what our discount took off.
 */
export const OFFER_DISCOUNT_TITLE = "Offer discount";

export const OrderLineSnapshotSchema = z.object({
  externalId: z.string().min(1),
  productId: z.string().nullable(),
  variantId: z.string().nullable(),
  title: z.string().nullable(),
  category: z.string().nullable().default(null),
  quantity: z.number().int().min(0),
  currentQuantity: z.number().int().min(0),
  unitPrice: z.string().nullable(),
  offerId: z.string().nullable(),
  /** what our offer discount took off the line, a decimal string; null for none or unknown */
  offerDiscount: z.string().nullable().default(null),
});
export type OrderLineSnapshot = z.infer<typeof OrderLineSnapshotSchema>;

export const RefundSnapshotSchema = z.object({
  externalId: z.string().min(1),
  orderExternalId: z.string().min(1),
  createdAt: z.string().nullable(),
  lines: z.array(z.object({ lineItemId: z.string().min(1), quantity: z.number().int().min(0) })),
});
export type RefundSnapshot = z.infer<typeof RefundSnapshotSchema>;

/** An order as we store it, from any source: no personal data, customer by key only. */
export const OrderSnapshotSchema = z.object({
  externalId: z.string().min(1),
  orderedAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
  customerKey: z.string().nullable(),
  currency: z.string().nullable(),
  totalPrice: z.string().nullable(),
  /** every discount on the order, a decimal string; null or absent when the source has none (order files) */
  totalDiscounts: z.string().nullish(),
  financialStatus: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  test: z.boolean(),
  lines: z.array(OrderLineSnapshotSchema),
  refunds: z.array(RefundSnapshotSchema),
});
export type OrderSnapshot = z.infer<typeof OrderSnapshotSchema>;

export const ProductSnapshotSchema = z.object({
  externalId: z.string().min(1),
  title: z.string(),
  handle: z.string().nullable(),
  productType: z.string().nullable(),
  vendor: z.string().nullable(),
  tags: z.array(z.string()),
  price: z.string().nullable(),
  imageUrl: z.string().nullable(),
  status: z.enum(["ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED"]),
  available: z.boolean(),
  updatedAt: z.string().nullable(),
  variants: z.array(
    z.object({
      externalId: z.string().min(1),
      title: z.string().nullable(),
      sku: z.string().nullable(),
      price: z.string().nullable(),
      compareAtPrice: z.string().nullable(),
      available: z.boolean(),
      /** Shopify's inventory item of the variant (numeric id), whose cost is the variant's */
      inventoryItemId: z.string().nullish(),
    }),
  ),
});
export type ProductSnapshot = z.infer<typeof ProductSnapshotSchema>;

/** What an inventory item costs the merchant, as of Shopify's updated_at of the item. */
export const InventoryCostSnapshotSchema = z.object({
  inventoryItemId: z.string().min(1),
  /** a decimal string in the shop's currency; null: Shopify has no cost */
  unitCost: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type InventoryCostSnapshot = z.infer<typeof InventoryCostSnapshotSchema>;

/** The lowest variant price, as the product's display price. */
export function lowestPrice(prices: Array<string | null>): string | null {
  let best: string | null = null;
  for (const price of prices) {
    if (price !== null && (best === null || Number(price) < Number(best))) best = price;
  }
  return best;
}
