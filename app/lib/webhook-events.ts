import { z } from "zod";
import {
  lowestPrice,
  OFFER_PROPERTY,
  type OrderSnapshot,
  OrderSnapshotSchema,
  type ProductSnapshot,
  ProductSnapshotSchema,
  type RefundSnapshot,
  RefundSnapshotSchema,
} from "./order-snapshot";
import { numericId } from "./shopify-ids";

/**
 * Shopify webhook payloads (REST shapes) reduced to the events we act on. Reduction happens before
 * anything is stored, so Shopify's personal data (names, emails, addresses) never reaches our disk.
 */
export const WebhookEventSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("order"), order: OrderSnapshotSchema }),
  z.object({ kind: z.literal("refund"), refund: RefundSnapshotSchema }),
  z.object({ kind: z.literal("product"), product: ProductSnapshotSchema }),
  z.object({ kind: z.literal("product-delete"), productId: z.string() }),
  z.object({ kind: z.literal("app-uninstalled") }),
  z.object({ kind: z.literal("shop-redact") }),
  z.object({
    kind: z.literal("customer-redact"),
    customerKey: z.string().nullable(),
    orderIds: z.array(z.string()),
  }),
  z.object({
    kind: z.literal("customer-data-request"),
    customerKey: z.string().nullable(),
    orderIds: z.array(z.string()),
    requestId: z.string().nullable(),
  }),
]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** Topics we subscribe to, in the enum form `authenticate.webhook` returns. */
export const WEBHOOK_TOPICS = [
  "ORDERS_CREATE",
  "ORDERS_UPDATED",
  "ORDERS_CANCELLED",
  "REFUNDS_CREATE",
  "PRODUCTS_CREATE",
  "PRODUCTS_UPDATE",
  "PRODUCTS_DELETE",
  "APP_UNINSTALLED",
  "CUSTOMERS_DATA_REQUEST",
  "CUSTOMERS_REDACT",
  "SHOP_REDACT",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** "orders/create" or "ORDERS_CREATE" -> "ORDERS_CREATE"; null for topics we do not handle. */
export function normalizeTopic(topic: string): WebhookTopic | null {
  const upper = topic.trim().toUpperCase().replace(/\//g, "_");
  return (WEBHOOK_TOPICS as readonly string[]).includes(upper) ? (upper as WebhookTopic) : null;
}

const Id = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const id = numericId(value);
  if (id === null) {
    ctx.addIssue({ code: "custom", message: "not a Shopify id" });
    return z.NEVER;
  }
  return id;
});
const NullableId = z
  .union([Id, z.null()])
  .optional()
  .transform((v) => v ?? null);
const Timestamp = z.iso.datetime({ offset: true });
const Money = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => /^-?\d+(\.\d+)?$/.test(v), "not a decimal amount");

const RefundPayload = z.object({
  id: Id,
  order_id: Id,
  created_at: Timestamp.nullish(),
  refund_line_items: z.array(z.object({ line_item_id: Id, quantity: z.number().int().min(0) })).default([]),
});

const OrderPayload = z.object({
  id: Id,
  created_at: Timestamp,
  updated_at: Timestamp.nullish(),
  cancelled_at: Timestamp.nullish(),
  currency: z.string().nullish(),
  total_price: Money.nullish(),
  financial_status: z.string().nullish(),
  test: z.boolean().nullish(),
  customer: z.object({ id: Id }).nullish(),
  line_items: z.array(
    z.object({
      id: Id,
      product_id: NullableId,
      variant_id: NullableId,
      title: z.string().nullish(),
      quantity: z.number().int().min(0),
      current_quantity: z.number().int().min(0).nullish(),
      price: Money.nullish(),
      properties: z
        .array(z.object({ name: z.string(), value: z.unknown() }))
        .nullish()
        .transform((v) => v ?? []),
    }),
  ),
  refunds: z.array(RefundPayload).nullish(),
});

const ProductPayload = z.object({
  id: Id,
  title: z.string(),
  handle: z.string().nullish(),
  product_type: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.union([z.string(), z.array(z.string())]).nullish(),
  status: z.string().nullish(),
  updated_at: Timestamp.nullish(),
  image: z.object({ src: z.string() }).nullish(),
  images: z.array(z.object({ src: z.string() })).nullish(),
  variants: z
    .array(
      z.object({
        id: Id,
        title: z.string().nullish(),
        sku: z.string().nullish(),
        price: Money.nullish(),
        compare_at_price: Money.nullish(),
        inventory_quantity: z.number().nullish(),
        inventory_management: z.string().nullish(),
        inventory_policy: z.string().nullish(),
      }),
    )
    .default([]),
});

const CustomerPayload = z.object({ id: Id }).nullish();

export type HashCustomer = (customerId: string) => string;

export type NormalizeResult = { ok: true; event: WebhookEvent } | { ok: false; error: string };

/** Validates a payload for its topic and reduces it to a WebhookEvent. */
export function normalizeWebhook(topic: WebhookTopic, payload: unknown, hash: HashCustomer): NormalizeResult {
  try {
    return { ok: true, event: toEvent(topic, payload, hash) };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, error: describeIssues(error) };
    throw error;
  }
}

function toEvent(topic: WebhookTopic, payload: unknown, hash: HashCustomer): WebhookEvent {
  switch (topic) {
    case "ORDERS_CREATE":
    case "ORDERS_UPDATED":
    case "ORDERS_CANCELLED":
      return { kind: "order", order: orderSnapshot(OrderPayload.parse(payload), hash) };
    case "REFUNDS_CREATE":
      return { kind: "refund", refund: refundSnapshot(RefundPayload.parse(payload)) };
    case "PRODUCTS_CREATE":
    case "PRODUCTS_UPDATE":
      return { kind: "product", product: productSnapshot(ProductPayload.parse(payload)) };
    case "PRODUCTS_DELETE":
      return { kind: "product-delete", productId: z.object({ id: Id }).parse(payload).id };
    case "APP_UNINSTALLED":
      return { kind: "app-uninstalled" };
    case "SHOP_REDACT":
      z.object({ shop_domain: z.string() }).parse(payload);
      return { kind: "shop-redact" };
    case "CUSTOMERS_REDACT": {
      const body = z
        .object({ customer: CustomerPayload, orders_to_redact: z.array(Id).nullish() })
        .parse(payload);
      return {
        kind: "customer-redact",
        customerKey: body.customer ? hash(body.customer.id) : null,
        orderIds: body.orders_to_redact ?? [],
      };
    }
    case "CUSTOMERS_DATA_REQUEST": {
      const body = z
        .object({
          customer: CustomerPayload,
          orders_requested: z.array(Id).nullish(),
          data_request: z.object({ id: Id }).nullish(),
        })
        .parse(payload);
      return {
        kind: "customer-data-request",
        customerKey: body.customer ? hash(body.customer.id) : null,
        orderIds: body.orders_requested ?? [],
        requestId: body.data_request?.id ?? null,
      };
    }
  }
}

function orderSnapshot(order: z.infer<typeof OrderPayload>, hash: HashCustomer): OrderSnapshot {
  return {
    externalId: order.id,
    orderedAt: order.created_at,
    updatedAt: order.updated_at ?? null,
    customerKey: order.customer ? hash(order.customer.id) : null,
    currency: order.currency ?? null,
    totalPrice: order.total_price ?? null,
    financialStatus: order.financial_status ?? null,
    cancelledAt: order.cancelled_at ?? null,
    test: order.test ?? false,
    lines: order.line_items.map((line) => ({
      externalId: line.id,
      productId: line.product_id,
      variantId: line.variant_id,
      title: line.title ?? null,
      category: null,
      quantity: line.quantity,
      currentQuantity: Math.min(line.quantity, line.current_quantity ?? line.quantity),
      unitPrice: line.price ?? null,
      offerId: offerIdFrom(line.properties),
    })),
    refunds: (order.refunds ?? []).map(refundSnapshot),
  };
}

function refundSnapshot(refund: z.infer<typeof RefundPayload>): RefundSnapshot {
  return {
    externalId: refund.id,
    orderExternalId: refund.order_id,
    createdAt: refund.created_at ?? null,
    lines: refund.refund_line_items.map((line) => ({
      lineItemId: line.line_item_id,
      quantity: line.quantity,
    })),
  };
}

function productSnapshot(product: z.infer<typeof ProductPayload>): ProductSnapshot {
  const variants = product.variants.map((variant) => ({
    externalId: variant.id,
    title: variant.title ?? null,
    sku: variant.sku ?? null,
    price: variant.price ?? null,
    compareAtPrice: variant.compare_at_price ?? null,
    available:
      !variant.inventory_management ||
      variant.inventory_policy === "continue" ||
      (variant.inventory_quantity ?? 0) > 0,
  }));
  const tags = Array.isArray(product.tags) ? product.tags : (product.tags ?? "").split(",");
  return {
    externalId: product.id,
    title: product.title,
    handle: product.handle ?? null,
    productType: product.product_type || null,
    vendor: product.vendor || null,
    tags: tags.map((tag) => tag.trim()).filter(Boolean),
    price: lowestPrice(variants.map((v) => v.price)),
    imageUrl: product.image?.src ?? product.images?.[0]?.src ?? null,
    status: productStatus(product.status),
    available: variants.some((v) => v.available),
    updatedAt: product.updated_at ?? null,
    variants,
  };
}

export function productStatus(status: string | null | undefined): ProductSnapshot["status"] {
  const upper = (status ?? "active").toUpperCase();
  return upper === "DRAFT" || upper === "ARCHIVED" || upper === "UNLISTED" ? upper : "ACTIVE";
}

function offerIdFrom(properties: Array<{ name: string; value: unknown }>): string | null {
  const property = properties.find((p) => p.name === OFFER_PROPERTY);
  return typeof property?.value === "string" && property.value.length <= 64 ? property.value : null;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`)
    .join("; ");
}
