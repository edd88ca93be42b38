import { z } from "zod";
import {
  type InventoryCostSnapshot,
  lowestPrice,
  MAX_OFFER_ID_LENGTH,
  OFFER_PROPERTY,
  type OrderSnapshot,
  type ProductSnapshot,
} from "./order-snapshot";
import { numericId } from "./shopify-ids";
import { type HashCustomer, productStatus } from "./webhook-events";
import { UnitCost } from "./webhook-payloads";

/**
 * Part of a bulk operation's JSONL output: every object on its own line, nested connections' nodes
 * carrying `__parentId`. Lines are grouped by parent id, never by position: a child may come before
 * its parent.
 */
export interface BulkObjects {
  parents: Map<string, Record<string, unknown>>;
  /** the children that came near their parent; a parent without an entry was let go before any came */
  children: Map<string, Array<Record<string, unknown>>>;
  /** children that came after their parent was let go, in this chunk or an earlier one */
  lateChildren: Map<string, Array<Record<string, unknown>>>;
  badLines: number;
}

interface Group {
  parent?: Record<string, unknown>;
  children: Array<Record<string, unknown>>;
}

/**
 * Reads a bulk operation's JSONL as it streams in and yields it in chunks of `size` parents with
 * their children, so a file of any size is held at most `window` parents at a time. Shopify does
 * not write a parent and its children in order, only near each other: a parent is let go once
 * `window` newer ones have begun. Children that come later than that are yielded apart, as late
 * (only the ids of the parents let go are kept, to know them); those whose parent never comes are
 * counted as bad lines.
 */
export async function* streamBulkObjects(
  lines: AsyncIterable<string>,
  { size = 500, window = 2_000 }: { size?: number; window?: number } = {},
): AsyncGenerator<BulkObjects> {
  const groups = new Map<string, Group>();
  const released = new Set<string>();
  const emptyChunk = (): BulkObjects => ({
    parents: new Map(),
    children: new Map(),
    lateChildren: new Map(),
    badLines: 0,
  });
  let chunk = emptyChunk();
  let chunkLateChildren = 0;
  const addLate = (id: string, children: Array<Record<string, unknown>>) => {
    const late = chunk.lateChildren.get(id);
    if (late) late.push(...children);
    else chunk.lateChildren.set(id, [...children]);
    chunkLateChildren += children.length;
  };
  const release = (id: string, group: Group) => {
    groups.delete(id);
    if (!group.parent) {
      if (released.has(id)) addLate(id, group.children);
      else chunk.badLines += group.children.length;
      return;
    }
    released.add(id);
    chunk.parents.set(id, group.parent);
    if (group.children.length > 0) chunk.children.set(id, group.children);
  };
  const full = () => chunk.parents.size + chunkLateChildren >= size;
  const take = () => {
    const taken = chunk;
    chunk = emptyChunk();
    chunkLateChildren = 0;
    return taken;
  };
  for await (const line of lines) {
    const record = parseLine(line);
    if (record === "empty") continue;
    if (record === null) {
      chunk.badLines += 1;
      continue;
    }
    const parentId = typeof record.__parentId === "string" ? record.__parentId : null;
    if (parentId && released.has(parentId)) {
      addLate(parentId, [record]);
      if (full()) yield take();
      continue;
    }
    const id = parentId ?? (record.id as string);
    let group = groups.get(id);
    if (!group) {
      group = { children: [] };
      groups.set(id, group);
    }
    if (parentId) group.children.push(record);
    else group.parent = record;
    // Maps iterate in insertion order: the first entry is the group seen longest ago.
    while (groups.size > window) {
      const [oldest, old] = groups.entries().next().value as [string, Group];
      release(oldest, old);
    }
    if (full()) yield take();
  }
  for (const [id, group] of groups) {
    release(id, group);
    if (full()) yield take();
  }
  if (chunk.parents.size > 0 || chunkLateChildren > 0 || chunk.badLines > 0) yield take();
}

function parseLine(line: string): Record<string, unknown> | "empty" | null {
  if (line.trim() === "") return "empty";
  let object: unknown;
  try {
    object = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof object !== "object" || object === null || typeof (object as { id?: unknown }).id !== "string") {
    return null;
  }
  return object as Record<string, unknown>;
}

const Money = z.object({ shopMoney: z.object({ amount: z.string() }) });
/** The order's total discounts: a plain amount that fits Order.totalDiscounts, else unknown. */
const DiscountMoney = z
  .object({ shopMoney: z.object({ amount: z.string().regex(/^\d{1,12}(\.\d{1,2})?$/) }) })
  .nullish()
  .catch(null);

const BulkOrder = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string().nullish(),
  cancelledAt: z.string().nullish(),
  test: z.boolean().nullish(),
  currencyCode: z.string().nullish(),
  displayFinancialStatus: z.string().nullish(),
  customer: z.object({ id: z.string() }).nullish(),
  totalPriceSet: Money.nullish(),
  totalDiscountsSet: DiscountMoney,
});

const BulkLineItem = z.object({
  id: z.string(),
  title: z.string().nullish(),
  quantity: z.number().int().min(0),
  currentQuantity: z.number().int().min(0).nullish(),
  product: z.object({ id: z.string() }).nullish(),
  variant: z.object({ id: z.string() }).nullish(),
  originalUnitPriceSet: Money.nullish(),
  customAttributes: z.array(z.object({ key: z.string(), value: z.string().nullish() })).nullish(),
});

const BulkProduct = z.object({
  id: z.string(),
  title: z.string(),
  handle: z.string().nullish(),
  productType: z.string().nullish(),
  vendor: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  status: z.string().nullish(),
  updatedAt: z.string().nullish(),
  featuredMedia: z
    .object({ preview: z.object({ image: z.object({ url: z.string() }).nullish() }).nullish() })
    .nullish(),
});

const BulkVariant = z.object({
  id: z.string(),
  title: z.string().nullish(),
  sku: z.string().nullish(),
  price: z.string().nullish(),
  compareAtPrice: z.string().nullish(),
  availableForSale: z.boolean().nullish(),
  inventoryItem: z
    .object({
      id: z.string(),
      // Unreadable, the cost only fills a gap: it never replaces a dated one.
      updatedAt: z.iso.datetime({ offset: true }).nullish().catch(null),
      unitCost: z.object({ amount: z.string() }).nullish(),
    })
    .nullish(),
});

export interface Assembled<T> {
  items: T[];
  rejected: number;
}

/** Orders with their line items; objects that do not match the query's shape are counted, not stored. */
export function assembleOrders(objects: BulkObjects, hash: HashCustomer): Assembled<OrderSnapshot> {
  const items: OrderSnapshot[] = [];
  // A line that comes after its order was stored is not stored (its order keeps the others).
  let rejected = objects.badLines;
  for (const late of objects.lateChildren.values()) rejected += late.length;
  for (const [id, raw] of objects.parents) {
    const order = BulkOrder.safeParse(raw);
    const externalId = numericId(id);
    if (!order.success || externalId === null) {
      rejected += 1;
      continue;
    }
    const customerId = order.data.customer ? numericId(order.data.customer.id) : null;
    const lines = (objects.children.get(id) ?? []).flatMap((child) => {
      const line = BulkLineItem.safeParse(child);
      const lineId = numericId(child.id);
      if (!line.success || lineId === null) {
        rejected += 1;
        return [];
      }
      const offer = line.data.customAttributes?.find((a) => a.key === OFFER_PROPERTY)?.value ?? null;
      return [
        {
          externalId: lineId,
          productId: line.data.product ? numericId(line.data.product.id) : null,
          variantId: line.data.variant ? numericId(line.data.variant.id) : null,
          title: line.data.title ?? null,
          category: null,
          quantity: line.data.quantity,
          currentQuantity: Math.min(line.data.quantity, line.data.currentQuantity ?? line.data.quantity),
          unitPrice: line.data.originalUnitPriceSet?.shopMoney.amount ?? null,
          offerId: offer && offer.length <= MAX_OFFER_ID_LENGTH ? offer : null,
          offerDiscount: null,
        },
      ];
    });
    items.push({
      externalId,
      orderedAt: order.data.createdAt,
      updatedAt: order.data.updatedAt ?? null,
      customerKey: customerId ? hash(customerId) : null,
      currency: order.data.currencyCode ?? null,
      totalPrice: order.data.totalPriceSet?.shopMoney.amount ?? null,
      totalDiscounts: order.data.totalDiscountsSet?.shopMoney.amount ?? null,
      financialStatus: order.data.displayFinancialStatus?.toLowerCase() ?? null,
      cancelledAt: order.data.cancelledAt ?? null,
      test: order.data.test ?? false,
      lines,
      refunds: [],
    });
  }
  return { items, rejected };
}

export interface AssembledProducts extends Assembled<ProductSnapshot> {
  /** products let go before any of their variants came: their stored variants are kept */
  withoutVariants: ProductSnapshot[];
  /** variants that came after their product was let go */
  lateVariants: ProductVariantSnapshot[];
  /** the costs of the variants' inventory items, of every variant read */
  costs: InventoryCostSnapshot[];
}

export type ProductVariantSnapshot = ProductSnapshot["variants"][number] & { productExternalId: string };

/**
 * Products with their variants. A product whose variants all come late is given apart, without
 * variants, and its late variants with it or in a later chunk, so none is deleted in between.
 */
export function assembleProducts(objects: BulkObjects): AssembledProducts {
  const items: ProductSnapshot[] = [];
  const withoutVariants: ProductSnapshot[] = [];
  const costs: InventoryCostSnapshot[] = [];
  let rejected = objects.badLines;
  const variantsOf = (children: Array<Record<string, unknown>>) =>
    children.flatMap((child) => {
      const variant = BulkVariant.safeParse(child);
      const variantId = numericId(child.id);
      if (!variant.success || variantId === null) {
        rejected += 1;
        return [];
      }
      const item = variant.data.inventoryItem;
      const inventoryItemId = item ? numericId(item.id) : null;
      if (item && inventoryItemId !== null) {
        // A cost that is no cost (negative, not a number) is left out: the item's cost stays as stored.
        const unitCost = item.unitCost ? UnitCost.safeParse(item.unitCost.amount) : null;
        if (unitCost === null || unitCost.success)
          costs.push({
            inventoryItemId,
            unitCost: unitCost?.data ?? null,
            updatedAt: item.updatedAt ?? null,
          });
      }
      return [
        {
          externalId: variantId,
          title: variant.data.title ?? null,
          sku: variant.data.sku ?? null,
          price: variant.data.price ?? null,
          compareAtPrice: variant.data.compareAtPrice ?? null,
          available: variant.data.availableForSale ?? true,
          inventoryItemId,
        },
      ];
    });
  for (const [id, raw] of objects.parents) {
    const product = BulkProduct.safeParse(raw);
    const externalId = numericId(id);
    if (!product.success || externalId === null) {
      rejected += 1;
      continue;
    }
    const children = objects.children.get(id);
    const variants = variantsOf(children ?? []);
    const snapshot: ProductSnapshot = {
      externalId,
      title: product.data.title,
      handle: product.data.handle ?? null,
      productType: product.data.productType || null,
      vendor: product.data.vendor || null,
      tags: product.data.tags ?? [],
      price: lowestPrice(variants.map((v) => v.price)),
      imageUrl: product.data.featuredMedia?.preview?.image?.url ?? null,
      status: productStatus(product.data.status),
      available: variants.some((v) => v.available),
      updatedAt: product.data.updatedAt ?? null,
      variants,
    };
    (children ? items : withoutVariants).push(snapshot);
  }
  const lateVariants = [...objects.lateChildren].flatMap(([id, children]) => {
    const productExternalId = numericId(id);
    if (productExternalId === null) {
      rejected += children.length;
      return [];
    }
    return variantsOf(children).map((variant) => ({ productExternalId, ...variant }));
  });
  return { items, withoutVariants, lateVariants, costs, rejected };
}
