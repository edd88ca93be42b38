import { describe, expect, it } from "vitest";
import { rowsOf } from "../simulation/test-data";
import { buildDataset } from "./dataset";
import { buildQueries, temporalSplit } from "./split";

const data = buildDataset(
  rowsOf([
    ["o3", "c1", "2025-01-03T00:00:00Z", ["a", "b"]],
    ["o1", "c1", "2025-01-01T00:00:00Z", ["a", "b", "c"]],
    ["o2", "", "2025-01-02T00:00:00Z", ["b", "c"]],
    ["o5", "c2", "2025-01-05T00:00:00Z", ["a", "b", "c", "d"]],
    ["o4", "c1", "2025-01-04T00:00:00Z", ["a", "c", "e"]],
  ]),
);

describe("temporalSplit", () => {
  it("puts the latest orders in the test set", () => {
    const { train, test } = temporalSplit(data, 0.4);
    expect(train.orderIds.sort()).toEqual(["o1", "o2", "o3"]);
    expect(test.orderIds.sort()).toEqual(["o4", "o5"]);
    expect(Math.max(...train.orderTime)).toBeLessThan(Math.min(...test.orderTime));
  });
});

describe("buildQueries", () => {
  it("uses only products known from training and is deterministic for a seed", () => {
    const { train, test } = temporalSplit(data, 0.4);
    const queries = buildQueries(train, test, { seed: 3 });
    expect(queries).toEqual(buildQueries(train, test, { seed: 3 }));
    const known = new Set(["a", "b", "c"].map((id) => data.catalog.productIndex.get(id)));
    expect(queries).toHaveLength(2);
    for (const q of queries) {
      expect(q.cart).toHaveLength(1);
      for (const item of [...q.cart, ...q.targets]) expect(known.has(item)).toBe(true);
    }
    const o4 = queries.find((q) => q.orderId === "o4")!;
    expect(o4.returning).toBe(true);
    expect(o4.cart.length + o4.targets.length).toBe(2); // e was never bought in training
    expect(queries.find((q) => q.orderId === "o5")!.returning).toBe(false);
  });
});
