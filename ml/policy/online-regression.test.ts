import { describe, expect, it } from "vitest";
import { onlineRegression } from "./online-regression";

describe("onlineRegression", () => {
  it("calls a large, significant drop a regression, with the rates", () => {
    const result = onlineRegression({
      baseline: { trials: 4000, successes: 400 },
      current: { trials: 3000, successes: 150 },
      what: "take rate",
      labels: { current: "v2 since its promotion", baseline: "v1 just before" },
    });
    expect(result.regressed).toBe(true);
    expect(result.pValue).toBeLessThan(1e-6);
    expect(result.explanation).toMatch(
      /^The take rate fell: 5\.0% of 3,000 offers shown \(v2 since its promotion\) against 10\.0% of 4,000 \(v1 just before\); one-sided p = \d/,
    );
  });

  it("does not fire on noise, on a small drop, on a rise, or on too little traffic", () => {
    // 9.5% against 10%: within noise at these sizes.
    expect(
      onlineRegression({
        baseline: { trials: 4000, successes: 400 },
        current: { trials: 4000, successes: 380 },
        what: "t",
      }).regressed,
    ).toBe(false);
    // Significant with this much traffic, but only 10% lower.
    expect(
      onlineRegression({
        baseline: { trials: 400_000, successes: 40_000 },
        current: { trials: 400_000, successes: 36_000 },
        what: "t",
      }).regressed,
    ).toBe(false);
    expect(
      onlineRegression({
        baseline: { trials: 4000, successes: 200 },
        current: { trials: 4000, successes: 400 },
        what: "t",
      }).regressed,
    ).toBe(false);
    const little = onlineRegression({
      baseline: { trials: 900, successes: 90 },
      current: { trials: 900, successes: 0 },
      what: "take rate",
    });
    expect(little).toEqual({
      regressed: false,
      pValue: 1,
      explanation: "The take rate is not judged yet: 900 of the 1,000 offers shown needed on each side.",
    });
  });

  it("fires at most as often as alpha when nothing changed", () => {
    // Deterministic draws of two samples from one 8% rate: the share flagged stays near or under alpha.
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const draw = (n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) if (next() < 0.08) s++;
      return { trials: n, successes: s };
    };
    let flagged = 0;
    for (let run = 0; run < 300; run++) {
      if (
        onlineRegression({ baseline: draw(1500), current: draw(1500), what: "t", minRelativeDrop: 0 })
          .regressed
      )
        flagged++;
    }
    expect(flagged).toBeLessThanOrEqual(2);
  });
});
