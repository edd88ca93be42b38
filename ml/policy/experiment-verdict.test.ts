import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import { describeSample } from "./experiment-stats";
import { checkGuardrail, experimentVerdict, type Metric } from "./experiment-verdict";

const proportions = (control: number, treatment: number, trials = 1000): Metric => ({
  kind: "proportion",
  control: { trials, successes: control },
  treatment: { trials, successes: treatment },
});

describe("experimentVerdict", () => {
  it("keeps collecting until both arms reach the horizon, however striking the early numbers", () => {
    const verdict = experimentVerdict({ metric: proportions(100, 300), horizonPerArm: 3841 });
    expect(verdict).toMatchObject({ status: "collecting", comparison: null });
    expect(verdict.progress).toBeCloseTo(1000 / 3841, 12);
    expect(verdict.explanation).toMatch(/^Keep collecting: 1,000 of 3,841 per arm \(26%\)\./);
    const lopsided: Metric = {
      kind: "proportion",
      control: { trials: 5000, successes: 500 },
      treatment: { trials: 3000, successes: 400 },
    };
    expect(experimentVerdict({ metric: lopsided, horizonPerArm: 3841 }).status).toBe("collecting");
  });

  it("calls better, worse or no difference at the horizon", () => {
    const better = experimentVerdict({
      metric: proportions(200, 250),
      horizonPerArm: 1000,
      label: "take rate",
    });
    expect(better.status).toBe("better");
    expect(better.progress).toBe(1);
    expect(better.explanation).toBe(
      "Better: take rate 25.0% against 20.0% (+5.0 points, 95% CI +1.3 to +8.7; p = 0.007).",
    );
    expect(experimentVerdict({ metric: proportions(250, 200), horizonPerArm: 1000 }).status).toBe("worse");
    expect(experimentVerdict({ metric: proportions(200, 215), horizonPerArm: 1000 }).status).toBe(
      "no difference",
    );
    const refunds = experimentVerdict({
      metric: proportions(250, 200),
      horizonPerArm: 1000,
      higherIsBetter: false,
    });
    expect(refunds.status).toBe("better");
  });

  it("reads a difference of means with Welch's test", () => {
    const metric: Metric = {
      kind: "mean",
      control: describeSample([12, 0, 0, 35, 8, 0, 20, 0, 15, 0]),
      treatment: describeSample([18, 0, 25, 40, 0, 12, 30, 0, 22, 9]),
    };
    const verdict = experimentVerdict({ metric, horizonPerArm: 10, label: "revenue per checkout" });
    expect(verdict.status).toBe("no difference");
    expect(verdict.explanation).toMatch(
      /^No difference: revenue per checkout 15\.60 against 9\.00 \(\+6\.60, 95% CI −/,
    );
  });

  it("calls a winner in about 5% of A/A experiments read once at the horizon", () => {
    const rng = createRng(1);
    const arm = (n: number) => {
      let successes = 0;
      for (let i = 0; i < n; i++) if (rng() < 0.1) successes++;
      return { trials: n, successes };
    };
    let winners = 0;
    const experiments = 2000;
    for (let i = 0; i < experiments; i++) {
      const metric: Metric = { kind: "proportion", control: arm(1000), treatment: arm(1000) };
      if (experimentVerdict({ metric, horizonPerArm: 1000 }).status !== "no difference") winners++;
    }
    // binomial(2000, 0.05): 100 ± 10
    expect(winners / experiments).toBeGreaterThan(0.035);
    expect(winners / experiments).toBeLessThan(0.065);
  });
});

describe("checkGuardrail", () => {
  const holdout = { trials: 2000, successes: 1400 }; // 70% complete checkout
  const treated = { trials: 2000, successes: 1320 }; // 66% with offers

  it("pauses offers when completion is significantly lower than in the holdout", () => {
    // SE = √(0.7·0.3/2000 + 0.66·0.34/2000) = 0.014738, z = −0.04 / 0.014738 = −2.714, Φ(z) = 0.0033
    const check = checkGuardrail({ holdout, treated });
    expect(check.action).toBe("pause");
    expect(check.pValue).toBeCloseTo(0.0033225395876654825, 10);
    expect(check.explanation).toBe(
      "Paused: checkout completion is significantly lower with offers (66.0% with offers against 70.0% in the holdout, one-sided p = 0.0033).",
    );
  });

  it("tolerates the allowed drop, a drop that may be chance, a rise, and too little data", () => {
    // a 2-point tolerance: z = −0.02 / 0.014738 = −1.357, Φ(z) = 0.087
    const tolerant = checkGuardrail({ holdout, treated, tolerance: 0.02 });
    expect(tolerant.action).toBe("continue");
    expect(tolerant.pValue).toBeCloseTo(0.08738055934615357, 10);
    expect(checkGuardrail({ holdout, treated: { trials: 2000, successes: 1380 } }).action).toBe("continue");
    expect(checkGuardrail({ holdout, treated: { trials: 2000, successes: 1500 } }).action).toBe("continue");
    const early = checkGuardrail({
      holdout: { trials: 300, successes: 210 },
      treated: { trials: 300, successes: 100 },
    });
    expect(early).toMatchObject({ action: "continue", pValue: 1 });
    expect(early.explanation).toBe(
      "Checkout completion is not judged yet: 300 of the 500 checkouts per arm needed.",
    );
  });
});
