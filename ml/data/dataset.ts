import type { OrderRow } from "./csv";

/**
 * Orders indexed with dense integer ids. Orders are stored as CSR: the distinct products of order o
 * are `orderItems[orderStart[o] .. orderStart[o + 1])`. Times are epoch ms; when the source has no
 * dates the file order stands in for time (order o happened at time o).
 */
export interface Catalog {
  productIds: string[];
  productTitles: string[];
  productCategories: string[];
  /** more words about each product for content similarity (vendor, tags), "" when none */
  productKeywords: string[];
  productIndex: Map<string, number>;
  customerIds: string[];
  customerIndex: Map<string, number>;
}

export interface Dataset {
  catalog: Catalog;
  orderIds: string[];
  /** epoch ms (or sequence number when the data has no dates) */
  orderTime: Float64Array;
  /** customer index, -1 for guests */
  orderCustomer: Int32Array;
  orderStart: Int32Array;
  orderItems: Int32Array;
  /** true when times are real dates */
  dated: boolean;
}

export function numProducts(data: Dataset): number {
  return data.catalog.productIds.length;
}

export function numOrders(data: Dataset): number {
  return data.orderIds.length;
}

export function orderProducts(data: Dataset, order: number): Int32Array {
  return data.orderItems.subarray(data.orderStart[order]!, data.orderStart[order + 1]!);
}

/** Builds the dataset from parsed rows; an order's time is its earliest line's time. */
export function buildDataset(rows: Iterable<OrderRow>): Dataset {
  const catalog: Catalog = {
    productIds: [],
    productTitles: [],
    productCategories: [],
    productKeywords: [],
    productIndex: new Map(),
    customerIds: [],
    customerIndex: new Map(),
  };
  const orders = new Map<string, { customer: number; time: number; items: Set<number> }>();
  let dated = true;
  for (const row of rows) {
    let product = catalog.productIndex.get(row.productId);
    if (product === undefined) {
      product = addProduct(catalog, row.productId);
      describeProduct(catalog, product, {
        title: row.productTitle || row.productId,
        category: row.productCategory,
        keywords: "",
      });
    }
    let order = orders.get(row.orderId);
    if (!order) {
      order = { customer: customerOf(catalog, row.customerId), time: Number.NaN, items: new Set() };
      orders.set(row.orderId, order);
    }
    order.items.add(product);
    const time = row.orderedAt ? Date.parse(row.orderedAt) : Number.NaN;
    if (Number.isNaN(time)) dated = false;
    else if (!(order.time <= time)) order.time = time;
  }
  return fromOrders(catalog, [...orders.entries()], dated);
}

/** Appends a product to the catalog and returns its index; its words are set by describeProduct. */
function addProduct(catalog: Catalog, id: string): number {
  const index = catalog.productIds.length;
  catalog.productIndex.set(id, index);
  catalog.productIds.push(id);
  return index;
}

function describeProduct(
  catalog: Catalog,
  index: number,
  words: { title: string; category: string; keywords: string },
) {
  catalog.productTitles[index] = words.title;
  catalog.productCategories[index] = words.category;
  catalog.productKeywords[index] = words.keywords;
}

function customerOf(catalog: Catalog, id: string): number {
  if (!id) return -1;
  let index = catalog.customerIndex.get(id);
  if (index === undefined) {
    index = catalog.customerIds.length;
    catalog.customerIndex.set(id, index);
    catalog.customerIds.push(id);
  }
  return index;
}

function fromOrders(
  catalog: Catalog,
  entries: Array<[string, { customer: number; time: number; items: Set<number> }]>,
  dated: boolean,
): Dataset {
  const total = entries.reduce((sum, [, order]) => sum + order.items.size, 0);
  const data: Dataset = {
    catalog,
    orderIds: entries.map(([id]) => id),
    orderTime: new Float64Array(entries.length),
    orderCustomer: new Int32Array(entries.length),
    orderStart: new Int32Array(entries.length + 1),
    orderItems: new Int32Array(total),
    dated,
  };
  let cursor = 0;
  entries.forEach(([, order], o) => {
    data.orderTime[o] = dated ? order.time : o;
    data.orderCustomer[o] = order.customer;
    data.orderStart[o] = cursor;
    for (const item of order.items) data.orderItems[cursor++] = item;
  });
  data.orderStart[entries.length] = cursor;
  return data;
}

/** Product content known beyond the orders: a catalog row nobody bought yet, or better words. */
export interface ProductContent {
  id: string;
  title: string;
  category: string;
  keywords: string;
}

/**
 * Adds products to the catalog (or refreshes the words of known ones) so that products without
 * orders can be offered through content similarity. Orders are untouched.
 */
export function withProducts(data: Dataset, products: Iterable<ProductContent>): Dataset {
  const source = data.catalog;
  const catalog: Catalog = {
    ...source,
    productIds: [...source.productIds],
    productTitles: [...source.productTitles],
    productCategories: [...source.productCategories],
    productKeywords: [...source.productKeywords],
    productIndex: new Map(source.productIndex),
  };
  for (const product of products) {
    const index = catalog.productIndex.get(product.id) ?? addProduct(catalog, product.id);
    describeProduct(catalog, index, { ...product, title: product.title || product.id });
  }
  return { ...data, catalog };
}

/** A dataset over the same catalog holding only the given orders (in the given order). */
export function selectOrders(data: Dataset, orders: ArrayLike<number>): Dataset {
  let total = 0;
  for (let i = 0; i < orders.length; i++) total += orderProducts(data, orders[i]!).length;
  const out: Dataset = {
    catalog: data.catalog,
    orderIds: [],
    orderTime: new Float64Array(orders.length),
    orderCustomer: new Int32Array(orders.length),
    orderStart: new Int32Array(orders.length + 1),
    orderItems: new Int32Array(total),
    dated: data.dated,
  };
  let cursor = 0;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i]!;
    out.orderIds.push(data.orderIds[o]!);
    out.orderTime[i] = data.orderTime[o]!;
    out.orderCustomer[i] = data.orderCustomer[o]!;
    out.orderStart[i] = cursor;
    const items = orderProducts(data, o);
    out.orderItems.set(items, cursor);
    cursor += items.length;
  }
  out.orderStart[orders.length] = cursor;
  return out;
}

/** Latest order time in the dataset (0 when empty). */
export function lastOrderTime(data: Dataset): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const t of data.orderTime) if (t > last) last = t;
  return Number.isFinite(last) ? last : 0;
}

/** How many orders contain each product. */
export function productOrderCounts(data: Dataset): Float64Array {
  const counts = new Float64Array(numProducts(data));
  for (const item of data.orderItems) counts[item]! += 1;
  return counts;
}

/**
 * One pseudo-order per customer holding everything they ever bought (guest orders stay as they
 * are), for signals that look at what the same people buy over time rather than in one basket.
 */
export function groupByCustomer(data: Dataset): Dataset {
  const groups = new Map<number, Set<number>>();
  const guests: number[] = [];
  for (let o = 0; o < numOrders(data); o++) {
    const customer = data.orderCustomer[o]!;
    if (customer < 0) {
      guests.push(o);
      continue;
    }
    let items = groups.get(customer);
    if (!items) {
      items = new Set();
      groups.set(customer, items);
    }
    for (const item of orderProducts(data, o)) items.add(item);
  }
  const entries: Array<[string, { customer: number; time: number; items: Set<number> }]> = [];
  for (const [customer, items] of groups)
    entries.push([`customer:${customer}`, { customer, time: 0, items }]);
  for (const o of guests) {
    entries.push([data.orderIds[o]!, { customer: -1, time: 0, items: new Set(orderProducts(data, o)) }]);
  }
  return { ...fromOrders(data.catalog, entries, false), dated: false };
}
