import { describe, expect, it } from "vitest";
import { loadTf } from "./tf";

describe("loadTf", () => {
  it("starts a compiled backend (native or WebAssembly) and computes with it", async () => {
    const { tf, backend } = await loadTf();
    expect(["tensorflow", "wasm"]).toContain(backend);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync());
    expect(Array.from(product)).toEqual([11]);
  });

  it("keeps no tensors alive after tidy inference", async () => {
    const { tf } = await loadTf();
    const weights = tf.randomNormal([50, 8], 0, 1, "float32", 1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.matMul(weights, weights, false, true).max().dataSync());
    expect(tf.memory().numTensors).toBe(before);
    weights.dispose();
  });
});
