import { describe, expect, it } from "vitest";
import { historyOf } from "../data/history";
import { computePersonal, emptyConditional } from "./features";

const DAY = 86_400_000;

describe("what the shopper bought with the cart before", () => {
  // Two past orders: 0, 1 and 2 together a year ago; 3 and 4 together today, twice as often.
  const history = historyOf(
    [
      { product: 0, at: 0 },
      { product: 1, at: 0 },
      { product: 2, at: 0 },
      { product: 3, at: 365 * DAY },
      { product: 4, at: 365 * DAY },
      { product: 3, at: 364 * DAY },
      { product: 4, at: 364 * DAY },
    ],
    365 * DAY,
  );

  it("brings back the other products of the past orders that hold the cart's products", () => {
    const s = emptyConditional(6);
    computePersonal(history, [0], s);
    expect(s.personal[1]).toBeGreaterThan(0);
    expect(s.personal[2]).toBeCloseTo(s.personal[1]!);
    // Bought more often and more lately, but never with the cart's product.
    expect(s.personal[3]).toBe(0);
    expect(s.personal[4]).toBe(0);
    expect(s.personalShare[1]).toBeCloseTo(1);
  });

  it("counts an order by how much of the cart it holds, and forgets the previous cart", () => {
    const s = emptyConditional(6);
    computePersonal(history, [0], s);
    computePersonal(history, [3, 1], s);
    expect(s.personal[4]).toBeGreaterThan(s.personal[2]!);
    expect(s.personal[2]).toBeGreaterThan(0);
    expect(s.personalShare[4]).toBeGreaterThan(s.personalShare[2]!);
    computePersonal(history, [5], s);
    expect(Array.from(s.personal)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(s.personalShare)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
