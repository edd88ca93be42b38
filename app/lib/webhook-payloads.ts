import { z } from "zod";
import { numericId } from "./shopify-ids";

// Shopify webhook bodies (REST shapes), as strict as the columns they end in. Only the body is
// signed, so each topic's schema also requires what tells its body from every other topic's.

/** Shopify ids are 64-bit integers: at most 19 digits, so a key never outgrows its index. */
const Id = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const id = numericId(value);
  if (id === null || id.length > 19) {
    ctx.addIssue({ code: "custom", message: "not a Shopify id" });
    return z.NEVER;
  }
  return id;
});
const NullableId = z
  .union([Id, z.null()])
  .optional()
  .transform((v) => v ?? null);
/** Postgres timestamps start at 4713 BC but reject year 0; Shopify's start long after 1970. */
const Timestamp = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) >= 0, "not a Shopify timestamp (before 1970)");
/** An int4 column. */
const Quantity = z.number().int().min(0).max(2_147_483_647);
/** A decimal that fits a Decimal(precision, 2) column once rounded to cents. */
const money = (precision: number) =>
  z
    .union([z.string().max(40), z.number()])
    .transform((v) => String(v))
    .refine((v) => /^-?\d+(\.\d+)?$/.test(v), "not a decimal amount")
    .refine(
      (v) => Math.abs(Number(v)) < 10 ** (precision - 2) - 0.005,
      `more than ${precision - 2} digits before the decimal point`,
    );
const LinePrice = money(12); // OrderLine.unitPrice, Variant.price, Product.price
const OrderTotal = money(14); // Order.totalPrice, Order.totalDiscounts
/**
 * What one unit costs the merchant (Variant.unitCost): a plain decimal that fits the column, never
 * negative. No ceiling below that: prices in rupiah or won run to millions.
 */
export const UnitCost = money(12).refine((v) => !v.startsWith("-"), "a negative cost");
/** A payload's GraphQL id, when it sends one, must name the topic's resource type. */
const graphqlIdOf = (type: string) =>
  z
    .string()
    .regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `not a ${type} id`)
    .optional();
/** A compliance body names its shop; it must be the shop the delivery claims. */
const ShopDomain = z.string().max(255);

export const RefundPayload = z.object({
  id: Id,
  admin_graphql_api_id: graphqlIdOf("Refund"),
  order_id: Id,
  created_at: Timestamp.nullish(),
  refund_line_items: z.array(z.object({ line_item_id: Id, quantity: Quantity })),
});

export const OrderPayload = z.object({
  id: Id,
  admin_graphql_api_id: graphqlIdOf("Order"),
  created_at: Timestamp,
  // Required: without it a replayed body could roll a newer stored order back.
  updated_at: Timestamp,
  cancelled_at: Timestamp.nullish(),
  currency: z.string().max(16).nullish(),
  total_price: OrderTotal.nullish(),
  total_discounts: OrderTotal.nullish(),
  financial_status: z.string().max(64).nullish(),
  test: z.boolean().nullish(),
  customer: z.object({ id: Id }).nullish(),
  line_items: z.array(
    z.object({
      id: Id,
      product_id: NullableId,
      variant_id: NullableId,
      title: z.string().nullish(),
      quantity: Quantity,
      current_quantity: Quantity.nullish(),
      price: LinePrice.nullish(),
      properties: z
        .array(z.object({ name: z.string(), value: z.unknown() }))
        .nullish()
        .transform((v) => v ?? []),
      discount_allocations: z
        .array(z.object({ amount: LinePrice, discount_application_index: Quantity }))
        .max(250)
        .nullish()
        .transform((v) => v ?? []),
    }),
  ),
  discount_applications: z
    .array(z.object({ type: z.string().max(64), title: z.string().max(255).nullish() }))
    .max(250)
    .nullish()
    .transform((v) => v ?? []),
  refunds: z.array(RefundPayload).nullish(),
});

export const CancelledOrderPayload = OrderPayload.extend({ cancelled_at: Timestamp });

export const ProductPayload = z.object({
  id: Id,
  admin_graphql_api_id: graphqlIdOf("Product"),
  title: z.string(),
  handle: z.string().nullish(),
  product_type: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  status: z.string().nullish(),
  updated_at: Timestamp.nullish(),
  image: z.object({ src: z.string() }).nullish(),
  images: z.array(z.object({ src: z.string() })).nullish(),
  variants: z.array(
    z.object({
      id: Id,
      title: z.string().nullish(),
      sku: z.string().nullish(),
      price: LinePrice.nullish(),
      compare_at_price: LinePrice.nullish(),
      // The variant's cost comes with its inventory item's webhooks, never with the product's.
      inventory_item_id: NullableId,
      inventory_quantity: z.number().nullish(),
      inventory_management: z.string().nullish(),
      inventory_policy: z.string().nullish(),
    }),
  ),
});

/**
 * inventory_items/create and inventory_items/update: the item and its cost (null when the merchant
 * entered none). Required: the cost, which no other topic's body carries at its top level, and
 * updated_at, without which a replayed body could roll a newer cost back. A product's or an order's
 * fields are refused.
 */
export const InventoryItemPayload = z.object({
  id: Id,
  admin_graphql_api_id: graphqlIdOf("InventoryItem"),
  cost: UnitCost.nullable(),
  updated_at: Timestamp,
  sku: z.string().nullish(),
  tracked: z.boolean().nullish(),
  title: z.never().optional(),
  variants: z.never().optional(),
  line_items: z.never().optional(),
});

/** products/delete sends the id alone; anything more is another topic's body. */
export const ProductDeletePayload = z.strictObject({ id: Id });

/** app/uninstalled sends the shop resource; its myshopify_domain (or domain) names the shop. */
export const ShopPayload = z
  .object({ id: Id, myshopify_domain: ShopDomain.nullish(), domain: ShopDomain.nullish() })
  .refine((shop) => shop.myshopify_domain || shop.domain, "names no shop domain")
  .transform((shop) => ({ shopDomain: (shop.myshopify_domain || shop.domain)! }));

/**
 * The three compliance bodies name the shop and are told apart by what they carry: nothing about a
 * customer (shop/redact), a customer and the orders to redact, or a customer and the orders asked for.
 * Each refuses the fields that belong to the others.
 */
const ComplianceBody = z.object({
  shop_id: Id,
  shop_domain: ShopDomain,
  customer: z.never().optional(),
  orders_to_redact: z.never().optional(),
  orders_requested: z.never().optional(),
});
const Customer = z.object({ id: Id });

export const ShopRedactPayload = ComplianceBody;
export const CustomerRedactPayload = ComplianceBody.extend({
  customer: Customer,
  orders_to_redact: z.array(Id),
});
export const CustomerDataRequestPayload = ComplianceBody.extend({
  customer: Customer,
  orders_requested: z.array(Id),
  data_request: z.object({ id: Id }).nullish(),
});
