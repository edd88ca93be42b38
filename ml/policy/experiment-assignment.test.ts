import { describe, expect, it } from "vitest";
import { assignVariant, HOLDOUT, hashToUnit } from "./experiment-assignment";

const variants = [
  { id: "control", weight: 1 },
  { id: "discounts", weight: 1 },
];

describe("assignVariant", () => {
  it("is deterministic and sticky: the same unit always lands in the same arm", () => {
    const first = assignVariant({ experimentId: "exp-1", unitKey: "customer-42", variants });
    for (let i = 0; i < 5; i++) {
      expect(assignVariant({ experimentId: "exp-1", unitKey: "customer-42", variants })).toEqual(first);
    }
    expect(hashToUnit("exp-1", "customer-42")).toBe(first.bucket);
    expect(first.bucket).toBeGreaterThanOrEqual(0);
    expect(first.bucket).toBeLessThan(1);
  });

  it("hashes the experiment too, and keeps the id and key apart", () => {
    const keys = Array.from({ length: 200 }, (_, i) => `customer-${i}`);
    const moved = keys.filter((unitKey) => hashToUnit("exp-1", unitKey) !== hashToUnit("exp-2", unitKey));
    expect(moved).toHaveLength(200);
    expect(hashToUnit("a:b", "c")).not.toBe(hashToUnit("a", "b:c"));
  });

  it("comes close to the configured shares over many keys", () => {
    const weighted = [
      { id: "a", weight: 3 },
      { id: "b", weight: 1 },
      { id: "off", weight: 0 },
    ];
    const counts = new Map<string, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const { arm } = assignVariant({ experimentId: "shares", unitKey: `unit-${i}`, variants: weighted });
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    // holdout 10%, then 3:1 of the remaining 90%: 67.5% and 22.5%; 3 standard errors is under 0.7 points
    expect(counts.get(HOLDOUT)! / n).toBeCloseTo(0.1, 2);
    expect(Math.abs(counts.get("a")! / n - 0.675)).toBeLessThan(0.007);
    expect(Math.abs(counts.get("b")! / n - 0.225)).toBeLessThan(0.007);
    expect(counts.has("off")).toBe(false);
  });

  it("keeps the holdout fixed when the variants change", () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `unit-${i}`);
    const held = (list: typeof variants) =>
      keys.filter((unitKey) => assignVariant({ experimentId: "e", unitKey, variants: list }).holdout);
    expect(held([{ id: "solo", weight: 1 }, ...variants])).toEqual(held(variants));
  });

  it("honours a custom holdout share and rejects impossible settings", () => {
    const everyone = assignVariant({ experimentId: "e", unitKey: "u", variants, holdoutShare: 1 });
    expect(everyone.arm).toBe(HOLDOUT);
    const nobody = assignVariant({ experimentId: "e", unitKey: "u", variants, holdoutShare: 0 });
    expect(nobody.holdout).toBe(false);
    expect(() => assignVariant({ experimentId: "e", unitKey: "u", variants, holdoutShare: 1.5 })).toThrow(
      RangeError,
    );
    expect(() =>
      assignVariant({ experimentId: "e", unitKey: "u", variants: [{ id: "a", weight: -1 }] }),
    ).toThrow(RangeError);
    expect(() => assignVariant({ experimentId: "e", unitKey: "u", variants: [] })).toThrow(RangeError);
  });
});
