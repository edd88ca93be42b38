import { z } from "zod";
import {
  InventoryCostSnapshotSchema,
  lowestPrice,
  MAX_OFFER_ID_LENGTH,
  OFFER_DISCOUNT_TITLE,
  OFFER_PROPERTY,
  type OrderSnapshot,
  OrderSnapshotSchema,
  type ProductSnapshot,
  ProductSnapshotSchema,
  type RefundSnapshot,
  RefundSnapshotSchema,
} from "./order-snapshot";
import { normalizeShopDomain } from "./shopify-ids";
import {
  CancelledOrderPayload,
  CustomerDataRequestPayload,
  CustomerRedactPayload,
  InventoryItemPayload,
  OrderPayload,
  ProductDeletePayload,
  ProductPayload,
  RefundPayload,
  ShopPayload,
  ShopRedactPayload,
} from "./webhook-payloads";

/**
 * Shopify webhook payloads (REST shapes) reduced to the events we act on. Reduction happens before
 * anything is stored, so Shopify's personal data (names, emails, addresses) never reaches our disk.
 */
export const WebhookEventSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("order"), order: OrderSnapshotSchema }),
  z.object({ kind: z.literal("refund"), refund: RefundSnapshotSchema }),
  z.object({ kind: z.literal("product"), product: ProductSnapshotSchema }),
  z.object({ kind: z.literal("product-delete"), productId: z.string() }),
  z.object({ kind: z.literal("inventory-cost"), cost: InventoryCostSnapshotSchema }),
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
  "INVENTORY_ITEMS_CREATE",
  "INVENTORY_ITEMS_UPDATE",
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

export type HashCustomer = (customerId: string) => string;

export type NormalizeResult = { ok: true; event: WebhookEvent } | { ok: false; error: string };

/**
 * Validates a payload for its topic and reduces it to a WebhookEvent. Shopify signs the body only:
 * the topic and shop come from unsigned headers, so each topic accepts only its own body shape, and
 * a body that names its shop must name `shopDomain`.
 */
export function normalizeWebhook({
  topic,
  payload,
  shopDomain,
  hash,
}: {
  topic: WebhookTopic;
  payload: unknown;
  shopDomain: string;
  hash: HashCustomer;
}): NormalizeResult {
  try {
    const { event, namedShop } = toEvent(topic, payload, hash);
    if (namedShop !== undefined && normalizeShopDomain(namedShop) !== shopDomain) {
      return { ok: false, error: "the body names another shop than the delivery" };
    }
    if (hasUnstorableText(event)) {
      return {
        ok: false,
        error: "text with a NUL character or a lone surrogate, which Postgres cannot store",
      };
    }
    return { ok: true, event };
  } catch (error) {
    if (error instanceof z.ZodError) return { ok: false, error: describeIssues(error) };
    throw error;
  }
}

function toEvent(
  topic: WebhookTopic,
  payload: unknown,
  hash: HashCustomer,
): { event: WebhookEvent; namedShop?: string } {
  switch (topic) {
    case "ORDERS_CREATE":
    case "ORDERS_UPDATED":
      return { event: { kind: "order", order: orderSnapshot(OrderPayload.parse(payload), hash) } };
    case "ORDERS_CANCELLED":
      return { event: { kind: "order", order: orderSnapshot(CancelledOrderPayload.parse(payload), hash) } };
    case "REFUNDS_CREATE":
      return { event: { kind: "refund", refund: refundSnapshot(RefundPayload.parse(payload)) } };
    case "PRODUCTS_CREATE":
    case "PRODUCTS_UPDATE":
      return { event: { kind: "product", product: productSnapshot(ProductPayload.parse(payload)) } };
    case "PRODUCTS_DELETE":
      return { event: { kind: "product-delete", productId: ProductDeletePayload.parse(payload).id } };
    case "INVENTORY_ITEMS_CREATE":
    case "INVENTORY_ITEMS_UPDATE": {
      const item = InventoryItemPayload.parse(payload);
      const cost = { inventoryItemId: item.id, unitCost: item.cost, updatedAt: item.updated_at };
      return { event: { kind: "inventory-cost", cost } };
    }
    case "APP_UNINSTALLED":
      return { event: { kind: "app-uninstalled" }, namedShop: ShopPayload.parse(payload).shopDomain };
    case "SHOP_REDACT":
      return { event: { kind: "shop-redact" }, namedShop: ShopRedactPayload.parse(payload).shop_domain };
    case "CUSTOMERS_REDACT": {
      const body = CustomerRedactPayload.parse(payload);
      const customer = { customerKey: hash(body.customer.id), orderIds: body.orders_to_redact };
      return { event: { kind: "customer-redact", ...customer }, namedShop: body.shop_domain };
    }
    case "CUSTOMERS_DATA_REQUEST": {
      const body = CustomerDataRequestPayload.parse(payload);
      const customer = { customerKey: hash(body.customer.id), orderIds: body.orders_requested };
      const requestId = body.data_request?.id ?? null;
      return {
        event: { kind: "customer-data-request", ...customer, requestId },
        namedShop: body.shop_domain,
      };
    }
  }
}

/** Postgres text and jsonb refuse U+0000 and unpaired surrogates. */
function hasUnstorableText(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000") || /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUnstorableText);
  return false;
}

function orderSnapshot(order: z.infer<typeof OrderPayload>, hash: HashCustomer): OrderSnapshot {
  return {
    externalId: order.id,
    orderedAt: order.created_at,
    updatedAt: order.updated_at ?? null,
    customerKey: order.customer ? hash(order.customer.id) : null,
    currency: order.currency ?? null,
    totalPrice: order.total_price ?? null,
    totalDiscounts: order.total_discounts ?? null,
    financialStatus: order.financial_status ?? null,
    cancelledAt: order.cancelled_at ?? null,
    test: order.test ?? false,
    lines: order.line_items.map((line) => {
      const offerId = offerIdFrom(line.properties);
      return {
        externalId: line.id,
        productId: line.product_id,
        variantId: line.variant_id,
        title: line.title ?? null,
        category: null,
        quantity: line.quantity,
        currentQuantity: Math.min(line.quantity, line.current_quantity ?? line.quantity),
        unitPrice: line.price ?? null,
        offerId,
        offerDiscount: offerId === null ? null : offerDiscountOf(line, order.discount_applications),
      };
    }),
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
    inventoryItemId: variant.inventory_item_id,
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

type OrderLinePayload = z.infer<typeof OrderPayload>["line_items"][number];

/**
 * What our automatic discount took off an offered line: the line's allocations from the discount
 * application our discount makes (automatic, under our title). Null without any such allocation.
 */
function offerDiscountOf(
  line: OrderLinePayload,
  applications: z.infer<typeof OrderPayload>["discount_applications"],
): string | null {
  let cents = 0;
  let found = false;
  for (const allocation of line.discount_allocations) {
    const application = applications[allocation.discount_application_index];
    if (application?.type !== "automatic" || application.title !== OFFER_DISCOUNT_TITLE) continue;
    cents += Math.round(Number(allocation.amount) * 100);
    found = true;
  }
  return found ? (cents / 100).toFixed(2) : null;
}

function offerIdFrom(properties: Array<{ name: string; value: unknown }>): string | null {
  const property = properties.find((p) => p.name === OFFER_PROPERTY);
  return typeof property?.value === "string" && property.value.length <= MAX_OFFER_ID_LENGTH
    ? property.value
    : null;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`)
    .join("; ");
}
