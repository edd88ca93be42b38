import { describe, expect, it } from "vitest";
import { isotonicNonDecreasing } from "./isotonic";

describe("isotonicNonDecreasing", () => {
  it("leaves an ordered sequence alone", () => {
    expect(isotonicNonDecreasing([0.1, 0.2, 0.2, 0.5], [1, 1, 1, 1])).toEqual([0.1, 0.2, 0.2, 0.5]);
  });

  it("pools violators into their weighted mean", () => {
    // 0.3 (weight 3) and 0.1 (weight 1) pool to (0.9 + 0.1) / 4 = 0.25
    const [first, second, third] = isotonicNonDecreasing([0.3, 0.1, 0.4], [3, 1, 1]);
    expect(first).toBeCloseTo(0.25, 12);
    expect(second).toBe(first);
    expect(third).toBe(0.4);
    // the pooled block keeps pooling backwards: [0.5, 0.4, 0.0] all weight 1 -> 0.3 each
    const pooled = isotonicNonDecreasing([0.5, 0.4, 0], [1, 1, 1]);
    for (const value of pooled) expect(value).toBeCloseTo(0.3, 12);
  });

  it("moves a barely measured value more than a well measured one", () => {
    const [solid, thin] = isotonicNonDecreasing([0.2, 0.1], [99, 1]);
    expect(solid).toBeCloseTo(0.199, 12);
    expect(thin).toBeCloseTo(0.199, 12);
  });

  it("handles empty input and rejects mismatched lengths", () => {
    expect(isotonicNonDecreasing([], [])).toEqual([]);
    expect(() => isotonicNonDecreasing([1], [])).toThrow(RangeError);
  });
});
