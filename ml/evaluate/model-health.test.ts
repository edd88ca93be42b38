import { describe, expect, it } from "vitest";
import type { OrderRow } from "../data/csv";
import { generateSyntheticShop } from "../simulation/synthetic-shop";
import { trainEngine } from "../train/train-engine";
import { measureModelHealth, populationStability } from "./model-health";

/** A synthetic shop's orders as rows, its products' categories included. */
function rowsOf(seed: number, { start, orders }: { start: string; orders: number }): OrderRow[] {
  // Order ids of each call of its own, so that two calls with one seed are two sets of orders.
  const shop = generateSyntheticShop({ seed, products: 60, customers: 300, orders, start, days: 120 });
  const category = new Map(shop.products.map((p) => [p.id, p.category]));
  return [...shop.orders()].flatMap((order) =>
    order.lines.map((line) => ({
      orderId: `${seed}-${start}-${order.id}`,
      customerId: order.customerId ?? "",
      productId: line.productId,
      orderedAt: order.orderedAt,
      productTitle: "",
      productCategory: category.get(line.productId) ?? "",
    })),
  );
}

describe("populationStability", () => {
  it("is zero for the same mix and grows with the shift, as computed by hand", () => {
    const mix = new Map([
      ["tea", 0.5],
      ["coffee", 0.5],
    ]);
    expect(populationStability(mix, mix)).toBe(0);
    const shifted = new Map([
      ["tea", 0.2],
      ["coffee", 0.8],
    ]);
    // (0.2 - 0.5) ln(0.2 / 0.5) + (0.8 - 0.5) ln(0.8 / 0.5)
    expect(populationStability(mix, shifted)).toBeCloseTo(0.3 * Math.log(2.5) + 0.3 * Math.log(1.6), 10);
    // A category new to the recent orders counts from a floor share, not as an infinite shift.
    const added = new Map([...mix, ["cocoa", 0.1]]);
    expect(Number.isFinite(populationStability(mix, added))).toBe(true);
    expect(populationStability(mix, added)).toBeGreaterThan(0.5);
  });
});

describe("measureModelHealth", () => {
  it("sees a model decay and its shop drift when tastes change after training", async () => {
    const before = rowsOf(5, { start: "2026-01-01", orders: 2400 });
    const { engine } = await trainEngine({
      rows: before,
      seed: 3,
      model: { factorization: { dimensions: 8, epochs: 2 }, validationQueries: 500 },
    });
    const trainedUpTo = Math.max(...before.map((row) => Date.parse(row.orderedAt)));
    // The same shop goes on as it was, or another shop's tastes take over the same products, some of
    // them new to the model.
    const same = rowsOf(5, { start: "2026-05-02", orders: 600 });
    const shifted = rowsOf(9, { start: "2026-05-02", orders: 600 }).map((row, i) =>
      i % 4 === 0 ? { ...row, productId: `new-${row.productId}` } : row,
    );
    const steady = measureModelHealth({ engine, rows: [...before, ...same], trainedUpTo });
    const drifted = measureModelHealth({ engine, rows: [...before, ...shifted], trainedUpTo });
    expect(steady.recentOrders).toBe(600);
    expect(steady.queries).toBeGreaterThan(200);
    expect(steady.unknownShare).toBe(0);
    expect(drifted.ndcg!).toBeLessThan(0.7 * steady.ndcg!);
    expect(drifted.unknownShare!).toBeGreaterThan(0.3);
    expect(drifted.categoryPsi!).toBeGreaterThan(steady.categoryPsi! + 0.1);
    // A shop whose products carry no category has no mix to compare.
    const uncategorized = [...before, ...shifted].map((row) => ({ ...row, productCategory: "" }));
    expect(measureModelHealth({ engine, rows: uncategorized, trainedUpTo }).categoryPsi).toBeNull();
  });
});
