import { describe, expect, it } from "vitest";
import { invertSpd } from "./spd-inverse";

describe("invertSpd", () => {
  it("inverts a 2x2 matrix by hand", () => {
    // [[4, 2], [2, 3]]⁻¹ = 1/8 [[3, -2], [-2, 4]]
    const p = invertSpd(Float64Array.from([4, 2, 2, 3]), 2);
    expect(Array.from(p)).toEqual([0.375, -0.25, -0.25, 0.5].map((v) => expect.closeTo(v, 12)));
  });

  it("gives G P = I on a larger matrix spanning several blocks", () => {
    const n = 60;
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) g[i * n + j] = 1 / (1 + Math.abs(i - j)) + (i === j ? n : 0);
    }
    const p = invertSpd(g.slice(), n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++) v += g[i * n + k]! * p[k * n + j]!;
        expect(v).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it("rejects a matrix that is not positive definite", () => {
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/positive definite/);
  });
});
