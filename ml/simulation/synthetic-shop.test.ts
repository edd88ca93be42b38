import { describe, expect, it } from "vitest";
import { generateSyntheticShop, type SyntheticOrder, syntheticShopCsv } from "./synthetic-shop";

const DAY_MS = 86_400_000;
const shop = generateSyntheticShop({ seed: 1 });
const orders = [...shop.orders()];

function countBy<T>(items: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** RFC 4180 fields of one line without line breaks inside quotes. */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === "," && !quoted) {
      fields.push(field);
      field = "";
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}

describe("generateSyntheticShop", () => {
  it("gives the same shop for the same seed and a different one for another seed", () => {
    const again = generateSyntheticShop({ seed: 1 });
    expect(again.products).toEqual(shop.products);
    expect(again.complements).toEqual(shop.complements);
    const expected = JSON.stringify(orders);
    expect(JSON.stringify([...again.orders()])).toBe(expected);
    expect(JSON.stringify([...shop.orders()])).toBe(expected);

    const otherShop = generateSyntheticShop({ seed: 2 });
    expect(otherShop.products).not.toEqual(shop.products);
    expect([...otherShop.orders()].slice(0, 50)).not.toEqual(orders.slice(0, 50));
  });

  it("keeps to the options: catalog, customer pool, order count and date window", () => {
    const small = generateSyntheticShop({
      seed: 3,
      products: 40,
      customers: 100,
      orders: 800,
      start: "2026-01-01",
      days: 30,
    });
    const smallOrders = [...small.orders()];
    expect(small.products).toHaveLength(40);
    expect(smallOrders).toHaveLength(800);
    const customers = new Set(smallOrders.flatMap((o) => (o.customerId ? [o.customerId] : [])));
    expect(customers.size).toBeGreaterThan(50);
    expect(customers.size).toBeLessThanOrEqual(100);
    const first = Date.parse("2026-01-01T00:00:00Z");
    for (const order of smallOrders) {
      const at = Date.parse(order.orderedAt);
      expect(at).toBeGreaterThanOrEqual(first);
      expect(at).toBeLessThan(first + 30 * DAY_MS);
    }
  });

  it("rejects options it cannot honour", () => {
    expect(() => generateSyntheticShop({ products: 0 })).toThrow(RangeError);
    expect(() => generateSyntheticShop({ start: "first of May" })).toThrow(RangeError);
    expect(() => generateSyntheticShop({ guestShare: 1.5 })).toThrow(RangeError);
  });

  it("builds a readable catalog over 8-12 categories", () => {
    expect(shop.products).toHaveLength(300);
    expect(new Set(shop.products.map((p) => p.id)).size).toBe(300);
    const categories = new Set(shop.products.map((p) => p.category));
    expect(categories.size).toBeGreaterThanOrEqual(8);
    expect(categories.size).toBeLessThanOrEqual(12);
    expect(shop.products.some((p) => p.title.includes(","))).toBe(true);
    for (const product of shop.products) {
      expect(product.title).toMatch(/^[A-Z]/);
      expect(product.vendor).not.toBe("");
      expect(product.tags.length).toBeGreaterThan(0);
      expect(Number(product.price.toFixed(2))).toBe(product.price);
      expect(product.price).toBeGreaterThan(0);
    }
  });

  it("produces well-formed orders in time order", () => {
    const products = new Map(shop.products.map((p) => [p.id, p]));
    const start = Date.parse("2025-11-01T00:00:00Z");
    const problems: string[] = [];
    let previous = start;
    for (const order of orders) {
      const at = Date.parse(order.orderedAt);
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(order.orderedAt))
        problems.push(`${order.id} format`);
      if (at < previous || at >= start + 365 * DAY_MS) problems.push(`${order.id} at ${order.orderedAt}`);
      previous = at;
      if (order.lines.length < 1 || order.lines.length > 8)
        problems.push(`${order.id} has ${order.lines.length} lines`);
      if (new Set(order.lines.map((l) => l.productId)).size !== order.lines.length)
        problems.push(`${order.id} repeats`);
      for (const line of order.lines) {
        const product = products.get(line.productId);
        if (!product) problems.push(`${order.id} unknown ${line.productId}`);
        else if (line.unitPrice > product.price || line.unitPrice < product.price * 0.79) {
          problems.push(`${order.id} price ${line.unitPrice} for ${product.price}`);
        }
        if (![1, 2, 3].includes(line.quantity)) problems.push(`${order.id} quantity ${line.quantity}`);
      }
    }
    expect(problems).toEqual([]);
    expect(orders).toHaveLength(12_000);
    expect(new Set(orders.map((o) => o.id)).size).toBe(orders.length);
    expect(orders[0]!.id).toBe("S100001");
    expect(median(orders.map((o) => o.lines.length))).toBe(3);
    const single = orders.flatMap((o) => o.lines).filter((l) => l.quantity === 1).length;
    expect(single / orders.reduce((n, o) => n + o.lines.length, 0)).toBeGreaterThan(0.7);
  });

  it("checks out guests at about the share asked for", () => {
    const guests = orders.filter((o) => o.customerId === null).length / orders.length;
    expect(guests).toBeGreaterThan(0.13);
    expect(guests).toBeLessThan(0.17);

    const many = [...generateSyntheticShop({ seed: 4, orders: 4000, guestShare: 0.4 }).orders()];
    const share = many.filter((o) => o.customerId === null).length / many.length;
    expect(share).toBeGreaterThan(0.37);
    expect(share).toBeLessThan(0.43);
  });

  it("puts the designed complements together far more often than chance", () => {
    const baskets = orders.map((o) => new Set(o.lines.map((l) => l.productId)));
    const share = countBy(baskets.flatMap((b) => [...b]));
    const lifts: number[] = [];
    for (const [a, b] of shop.complements) {
      const withA = baskets.filter((basket) => basket.has(a));
      if (withA.length < 30) continue;
      const bGivenA = withA.filter((basket) => basket.has(b)).length / withA.length;
      lifts.push(bGivenA / ((share.get(b) ?? 0) / baskets.length));
    }
    expect(shop.complements.length).toBeGreaterThan(50);
    expect(lifts.length).toBeGreaterThan(shop.complements.length / 2);
    expect(median(lifts)).toBeGreaterThan(5);
    expect(lifts.filter((lift) => lift > 3).length / lifts.length).toBeGreaterThan(0.9);
  });

  it("brings customers back, re-buying their consumables", () => {
    const perCustomer = countBy(orders.flatMap((o) => (o.customerId ? [o.customerId] : [])));
    const counts = [...perCustomer.values()];
    expect(median(counts)).toBeGreaterThanOrEqual(1);
    expect(median(counts)).toBeLessThanOrEqual(3);
    expect(counts.filter((n) => n >= 2).length / counts.length).toBeGreaterThan(0.4);
    expect(counts.filter((n) => n >= 10).length).toBeGreaterThan(20);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(20);

    // A consumable in a customer's previous order comes back in their next one far more often than
    // its popularity alone would bring it.
    const consumables = new Set(shop.products.filter((p) => p.tags.includes("consumable")).map((p) => p.id));
    const share = countBy(orders.flatMap((o) => o.lines.map((l) => l.productId)));
    const previous = new Map<string, Set<string>>();
    let chances = 0;
    let rebought = 0;
    let expected = 0;
    for (const order of orders) {
      if (!order.customerId) continue;
      const basket = new Set(order.lines.map((l) => l.productId));
      for (const product of previous.get(order.customerId) ?? []) {
        if (!consumables.has(product)) continue;
        chances++;
        expected += share.get(product)! / orders.length;
        if (basket.has(product)) rebought++;
      }
      previous.set(order.customerId, basket);
    }
    expect(rebought / chances).toBeGreaterThan(0.15);
    expect(rebought / expected).toBeGreaterThan(4);
  });

  it("peaks in December, with gift sets", () => {
    const byMonth = new Map<string, SyntheticOrder[]>();
    for (const order of orders) {
      const month = order.orderedAt.slice(0, 7);
      byMonth.set(month, [...(byMonth.get(month) ?? []), order]);
    }
    const perDay = new Map(
      [...byMonth].map(([month, list]) => [
        month,
        list.length / new Set(list.map((o) => o.orderedAt.slice(0, 10))).size,
      ]),
    );
    const average = [...perDay.values()].reduce((a, b) => a + b, 0) / perDay.size;
    expect(perDay.get("2025-12")!).toBeGreaterThan(1.4 * average);

    const category = new Map(shop.products.map((p) => [p.id, p.category]));
    const giftShare = (month: string) => {
      const lines = byMonth.get(month)!.flatMap((o) => o.lines);
      return lines.filter((l) => category.get(l.productId) === "Gift Sets").length / lines.length;
    };
    expect(giftShare("2025-12")).toBeGreaterThan(3 * giftShare("2026-03"));
  });
});

describe("syntheticShopCsv", () => {
  const small = generateSyntheticShop({ seed: 5, customers: 300, orders: 1500 });
  const csv = [...syntheticShopCsv(small)];

  it("writes the shared header and one line per order line", () => {
    expect(csv[0]).toBe(
      "order_id,customer_id,product_id,quantity,unit_price,ordered_at,product_title,product_category",
    );
    const lines = [...small.orders()].reduce((n, o) => n + o.lines.length, 0);
    expect(csv.length - 1).toBe(lines);
  });

  it("quotes titles with commas or quotes and keeps eight fields per line", () => {
    const products = new Map(small.products.map((p) => [p.id, p]));
    let quotedComma = 0;
    let doubledQuote = 0;
    const problems: string[] = [];
    for (const line of csv.slice(1)) {
      const fields = splitCsv(line);
      const product = products.get(fields[2]!);
      if (fields.length !== 8 || !product) {
        problems.push(line);
        continue;
      }
      if (fields[6] !== product.title || fields[7] !== product.category) problems.push(line);
      if (!/^\d+\.\d{2}$/.test(fields[4]!)) problems.push(line);
      if (product.title.includes(",")) {
        if (!line.includes(`,"${product.title.replaceAll('"', '""')}",`)) problems.push(line);
        quotedComma++;
      }
      if (product.title.includes('"')) doubledQuote++;
    }
    expect(problems).toEqual([]);
    expect(quotedComma).toBeGreaterThan(0);
    expect(doubledQuote).toBeGreaterThan(0);
    // guests leave customer_id empty
    expect(csv.slice(1).some((line) => line.split(",")[1] === "")).toBe(true);
  });
});
