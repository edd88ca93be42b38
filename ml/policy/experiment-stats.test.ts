import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import {
  bootstrapMeanDifference,
  describeSample,
  sampleSizePerArm,
  twoProportionZTest,
  welchTest,
} from "./experiment-stats";
import { sampleNormal } from "./sampling";

describe("twoProportionZTest", () => {
  it("matches the textbook example 200/1000 against 250/1000", () => {
    // pooled p = 0.225, SE₀ = √(0.225·0.775·(2/1000)) = 0.018675, z = 0.05 / 0.018675 = 2.6774
    // unpooled SE = √(0.2·0.8/1000 + 0.25·0.75/1000) = 0.018641, CI = 0.05 ± 1.96·0.018641
    const result = twoProportionZTest({ trials: 1000, successes: 200 }, { trials: 1000, successes: 250 });
    expect(result.controlRate).toBe(0.2);
    expect(result.treatmentRate).toBe(0.25);
    expect(result.difference).toBeCloseTo(0.05, 15);
    expect(result.statistic).toBeCloseTo(2.677397763008329, 12);
    expect(result.pValue).toBeCloseTo(0.007419649261025687, 12);
    expect(result.standardError).toBeCloseTo(Math.sqrt(0.0003475), 15);
    expect(result.interval[0]).toBeCloseTo(0.01346362168753984, 12);
    expect(result.interval[1]).toBeCloseTo(0.08653637831246014, 12);
  });

  it("is symmetric, says nothing without variance and rejects impossible arms", () => {
    const swapped = twoProportionZTest({ trials: 1000, successes: 250 }, { trials: 1000, successes: 200 });
    expect(swapped.statistic).toBeCloseTo(-2.677397763008329, 12);
    expect(swapped.pValue).toBeCloseTo(0.007419649261025687, 12);
    const flat = twoProportionZTest({ trials: 50, successes: 0 }, { trials: 80, successes: 0 });
    expect(flat).toMatchObject({ difference: 0, statistic: 0, pValue: 1, interval: [0, 0] });
    expect(() => twoProportionZTest({ trials: 0, successes: 0 }, { trials: 5, successes: 1 })).toThrow(
      RangeError,
    );
    expect(() => twoProportionZTest({ trials: 5, successes: 6 }, { trials: 5, successes: 1 })).toThrow(
      RangeError,
    );
  });
});

describe("welchTest", () => {
  // Revenue per checkout in two small arms.
  const control = [12, 0, 0, 35, 8, 0, 20, 0, 15, 0];
  const treatment = [18, 0, 25, 40, 0, 12, 30, 0, 22, 9, 0, 16];

  it("matches the Welch–Satterthwaite interval worked by hand", () => {
    // means 9.0 and 14.333; variances 138.667 and 177.152; SE = √(13.8667 + 14.7626) = 5.35063
    // df = 28.6293² / (13.8667²/9 + 14.7626²/11) = 19.905; t(0.975; 19.905) = 2.0860
    const a = describeSample(control);
    const b = describeSample(treatment);
    expect(a).toEqual({ n: 10, mean: 9, variance: expect.closeTo(138.6666666667, 9) });
    const result = welchTest(a, b);
    expect(result.difference).toBeCloseTo(16 / 3, 12);
    expect(result.standardError).toBeCloseTo(5.350634815542257, 12);
    expect(result.degreesOfFreedom).toBeCloseTo(19.905091941894717, 10);
    expect(result.statistic).toBeCloseTo(0.9967664617740932, 12);
    expect(result.pValue).toBeCloseTo(0.33084161452173405, 10);
    expect(result.interval[0]).toBeCloseTo(-5.831307895357817, 9);
    expect(result.interval[1]).toBeCloseTo(16.497974562024485, 9);
  });

  it("handles arms without variance and refuses arms too small to have one", () => {
    const same = { n: 5, mean: 3, variance: 0 };
    expect(welchTest(same, same)).toMatchObject({ difference: 0, pValue: 1, interval: [0, 0] });
    expect(welchTest(same, { ...same, mean: 4 }).pValue).toBe(0);
    expect(() => welchTest({ n: 1, mean: 1, variance: 0 }, same)).toThrow(RangeError);
  });
});

describe("bootstrapMeanDifference", () => {
  it("is repeatable for a seed and agrees with Welch on well-behaved data", () => {
    const data = createRng(1);
    const control = Array.from({ length: 400 }, () => 10 + 4 * sampleNormal(data));
    const treatment = Array.from({ length: 500 }, () => 11 + 5 * sampleNormal(data));
    const first = bootstrapMeanDifference(control, treatment, { rng: createRng(2) });
    expect(bootstrapMeanDifference(control, treatment, { rng: createRng(2) })).toEqual(first);
    const welch = welchTest(describeSample(control), describeSample(treatment));
    expect(first.difference).toBeCloseTo(welch.difference, 12);
    const width = welch.interval[1] - welch.interval[0];
    expect(Math.abs(first.interval[0] - welch.interval[0])).toBeLessThan(0.1 * width);
    expect(Math.abs(first.interval[1] - welch.interval[1])).toBeLessThan(0.1 * width);
    expect(() => bootstrapMeanDifference([], [1], { rng: createRng(1) })).toThrow(RangeError);
  });
});

describe("sampleSizePerArm", () => {
  it("matches the standard two-proportion formula", () => {
    // p1 = 0.10, p2 = 0.12, p̄ = 0.11: (1.959964·√(2·0.11·0.89) + 0.841621·√(0.09 + 0.1056))² / 0.02²
    // = (0.867266 + 0.372221)² / 0.0004 = 3840.85, so 3,841 per arm. (Dropping the pooled null variance,
    // (z₁₋α/₂ + z₁₋β)²·(p₁q₁ + p₂q₂)/Δ², gives 3,838.1, i.e. 3,839: the usual shortcut.)
    expect(sampleSizePerArm({ baselineRate: 0.1, minimumDetectableEffect: 0.02 })).toBe(3841);
    // the published chart value for 1% → 1.1%
    expect(sampleSizePerArm({ baselineRate: 0.01, minimumDetectableEffect: 0.001 })).toBe(163_095);
    expect(sampleSizePerArm({ baselineRate: 0.05, minimumDetectableEffect: 0.01 })).toBe(8158);
    // a drop is as hard to see as a rise of the same size from the other rate
    expect(sampleSizePerArm({ baselineRate: 0.12, minimumDetectableEffect: -0.02 })).toBe(3841);
  });

  it("needs more units for more power or a stricter alpha, and rejects impossible inputs", () => {
    const base = { baselineRate: 0.1, minimumDetectableEffect: 0.02 };
    expect(sampleSizePerArm({ ...base, power: 0.9 })).toBeGreaterThan(3841);
    expect(sampleSizePerArm({ ...base, alpha: 0.01 })).toBeGreaterThan(3841);
    expect(() => sampleSizePerArm({ baselineRate: 0.1, minimumDetectableEffect: 0 })).toThrow(RangeError);
    expect(() => sampleSizePerArm({ baselineRate: 0.95, minimumDetectableEffect: 0.1 })).toThrow(RangeError);
  });
});
