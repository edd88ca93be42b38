import { describe, expect, it } from "vitest";
import {
  lnGamma,
  normalCdf,
  normalQuantile,
  normalUpperTail,
  regularizedBeta,
  studentTQuantile,
  studentTUpperTail,
} from "./distributions";

// Reference values from statistical tables (Φ(1.96) = 0.9750, t(0.975; 10) = 2.228), to full precision.
describe("normal distribution", () => {
  it("matches Φ at table points and stays accurate far into the tail", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-1.2)).toBeCloseTo(0.11506967022170822, 14);
    expect(normalCdf(0.3)).toBeCloseTo(0.6179114221889526, 14);
    expect(normalCdf(-3.5)).toBeCloseTo(0.00023262907903552502, 15);
    expect(normalUpperTail(5) / 2.866515718791933e-7).toBeCloseTo(1, 10);
    expect(normalUpperTail(10) / 7.61985302416047e-24).toBeCloseTo(1, 10);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(-40)).toBeGreaterThanOrEqual(0);
  });

  it("inverts Φ", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 10);
    expect(normalQuantile(0.5)).toBe(0);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe("gamma, beta and t functions", () => {
  it("ln Γ matches known values", () => {
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(lnGamma(123.4)).toBeCloseTo(469.3360974421906, 9);
  });

  it("the regularized incomplete beta matches known values", () => {
    expect(regularizedBeta(0.3, 2.5, 3.5)).toBeCloseTo(0.29675298929566646, 13);
    expect(regularizedBeta(0.01, 0.5, 40)).toBeCloseTo(0.6286139767460155, 13);
    expect(regularizedBeta(0, 2, 2)).toBe(0);
    expect(regularizedBeta(1, 2, 2)).toBe(1);
  });

  it("t tails and quantiles match t tables, also for fractional degrees of freedom", () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 11);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174694, 9);
    expect(studentTQuantile(0.975, 24.37)).toBeCloseTo(2.06224159241265, 11);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138851986274, 11);
    expect(studentTUpperTail(2.5, 7.3)).toBeCloseTo(0.019825117332800214, 13);
    expect(studentTUpperTail(-1, 3)).toBeCloseTo(0.8044988905221148, 13);
    expect(studentTUpperTail(0, 5)).toBeCloseTo(0.5, 15);
  });
});
