import { describe, expect, it } from "vitest";
import { historyOf } from "./history";

const DAY = 86_400_000;

describe("historyOf", () => {
  it("counts each product's purchases, the days since the last one and the shopper's orders", () => {
    const now = 100 * DAY;
    const history = historyOf(
      [
        { product: 3, at: 10 * DAY },
        { product: 5, at: 10 * DAY },
        { product: 3, at: 90 * DAY },
        { product: -1, at: 95 * DAY },
      ],
      now,
    );
    expect(Array.from(history.items)).toEqual([3, 5]);
    expect(Array.from(history.counts ?? [])).toEqual([2, 1]);
    expect(Array.from(history.ages ?? [])).toEqual([10, 90]);
    expect(history.orders).toBe(2);
    expect(history.weights[0]).toBeGreaterThan(history.weights[1]!);
  });

  it("counts every purchase as its own order when times are unknown", () => {
    const history = historyOf(
      [
        { product: 1, at: Number.NaN },
        { product: 2, at: Number.NaN },
      ],
      Number.NaN,
    );
    expect(history.orders).toBe(2);
    expect(Array.from(history.ages ?? [])).toEqual([0, 0]);
  });
});

describe("a history's baskets", () => {
  it("keeps each dated order's products together, weighted by the order's age", () => {
    const now = 200 * DAY;
    const history = historyOf(
      [
        { product: 1, at: 80 * DAY },
        { product: 2, at: 80 * DAY },
        { product: 2, at: 80 * DAY },
        { product: 3, at: 200 * DAY },
      ],
      now,
    );
    const baskets = (history.baskets ?? []).map((b) => ({ items: Array.from(b.items), weight: b.weight }));
    expect(baskets).toEqual([
      { items: [1, 2], weight: 0.5 },
      { items: [3], weight: 1 },
    ]);
  });

  it("has none when purchase times are unknown", () => {
    const history = historyOf([{ product: 1, at: Number.NaN }], Number.NaN);
    expect(history.baskets).toEqual([]);
  });
});
