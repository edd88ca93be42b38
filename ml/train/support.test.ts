import { describe, expect, it } from "vitest";
import { maxAbsOver, Touched } from "./support";

describe("Touched", () => {
  it("lists each product once, in first-touch order, and starts empty after a reset", () => {
    const touched = new Touched().reset(10);
    for (const product of [7, 2, 7, 9, 2]) touched.add(product);
    expect([...touched.list.subarray(0, touched.size)]).toEqual([7, 2, 9]);
    touched.reset(10);
    touched.add(2);
    expect([...touched.list.subarray(0, touched.size)]).toEqual([2]);
  });

  it("gives the largest absolute value among the products it lists", () => {
    const values = new Float32Array([0, -3, 1, 0, 2]);
    const touched = new Touched().reset(values.length);
    for (const product of [2, 4]) touched.add(product);
    expect(maxAbsOver(values, touched)).toBe(2);
    touched.add(1);
    expect(maxAbsOver(values, touched)).toBe(3);
  });
});
