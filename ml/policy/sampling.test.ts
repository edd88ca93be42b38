import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import { sampleBeta, sampleGamma, sampleNormal } from "./sampling";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe("seeded samplers", () => {
  it("draw normals with mean 0 and variance 1", () => {
    const rng = createRng(1);
    const { mean, variance } = moments(() => sampleNormal(rng), 100_000);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(variance).toBeCloseTo(1, 1);
  });

  it("draw gammas with mean and variance equal to the shape, also below 1", () => {
    for (const shape of [0.3, 1, 4.5]) {
      const rng = createRng(2);
      const { mean, variance } = moments(() => sampleGamma(rng, shape), 100_000);
      expect(mean / shape).toBeCloseTo(1, 1);
      expect(variance / shape).toBeCloseTo(1, 1);
    }
    expect(() => sampleGamma(createRng(1), 0)).toThrow(RangeError);
  });

  it("draw betas with the right mean and variance, inside [0, 1]", () => {
    const cases: Array<[number, number]> = [
      [2, 8],
      [0.2, 19.8],
      [30, 70],
    ];
    for (const [a, b] of cases) {
      const rng = createRng(3);
      let outside = 0;
      const { mean, variance } = moments(() => {
        const x = sampleBeta(rng, a, b);
        if (!(x >= 0 && x <= 1)) outside++;
        return x;
      }, 50_000);
      expect(outside).toBe(0);
      const expectedMean = a / (a + b);
      const expectedVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
      expect(mean / expectedMean).toBeCloseTo(1, 1);
      expect(variance / expectedVariance).toBeCloseTo(1, 1);
    }
  });

  it("repeat themselves for a seed", () => {
    const first = createRng(9);
    const second = createRng(9);
    expect([1, 2, 3].map(() => sampleBeta(first, 1.5, 3))).toEqual(
      [1, 2, 3].map(() => sampleBeta(second, 1.5, 3)),
    );
  });
});
