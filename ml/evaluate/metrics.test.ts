import { describe, expect, it } from "vitest";
import { catalogCoverage, hitRate, ndcg, recall } from "./metrics";

describe("ranking metrics", () => {
  const targets = new Set([2, 5]);
  const ranked = [1, 2, 3, 5];

  it("hit rate is 1 when any target is in the top k", () => {
    expect(hitRate(ranked, targets, 1)).toBe(0);
    expect(hitRate(ranked, targets, 2)).toBe(1);
  });

  it("recall divides by min(k, |targets|)", () => {
    expect(recall(ranked, targets, 2)).toBe(0.5); // 1 hit / min(2, 2)
    expect(recall(ranked, targets, 4)).toBe(1); // 2 hits / 2
    expect(recall(ranked, new Set([1, 2, 3, 5, 9]), 2)).toBe(1); // 2 hits / min(2, 5)
    expect(recall(ranked, new Set(), 10)).toBe(0);
  });

  it("NDCG uses binary gains and an ideal list of min(k, |targets|) hits", () => {
    // hits at ranks 2 and 4: (0.6309 + 0.4307) / (1 + 0.6309) = 0.6509
    const expected = (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3));
    expect(ndcg(ranked, targets, 4)).toBeCloseTo(expected, 12);
    expect(ndcg(ranked, targets, 4)).toBeCloseTo(0.6509, 4);
    // k = 2: one hit at rank 2 over idcg 1 + 1/log2(3) = 1.6309
    expect(ndcg(ranked, targets, 2)).toBeCloseTo(0.6309 / 1.6309, 4);
    expect(ndcg([2, 5], targets, 10)).toBe(1);
    expect(ndcg([7, 8], targets, 10)).toBe(0);
  });

  it("catalog coverage counts distinct recommended products", () => {
    expect(catalogCoverage([[0, 1], [1, 2], []], 10)).toBeCloseTo(0.3, 12);
    expect(catalogCoverage([], 0)).toBe(0);
  });
});
