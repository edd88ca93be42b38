import { describe, expect, it } from "vitest";
import { buildDataset } from "../data/dataset";
import { customerHistories, type History, NO_HISTORY } from "../data/history";
import { rowsOf } from "../simulation/test-data";
import { FactorizationRecommender } from "./matrix-factorization";
import { topK } from "./recommender";
import { loadTf } from "./tf";

function shop() {
  const orders: Array<[string, string, string, string[]]> = [];
  for (let i = 0; i < 60; i++) {
    const day = `2026-01-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`;
    orders.push([`a${i}`, `g${i}`, day, ["kettle", "filters"]]);
    orders.push([`b${i}`, `h${i}`, day, ["tea", "teapot"]]);
    orders.push([`c${i}`, "loyal", day, ["beans", i % 2 ? "mug" : "spoon"]]);
  }
  return buildDataset(rowsOf(orders));
}

describe("FactorizationRecommender", () => {
  it("learns complements from carts and a customer's own taste, and frees every tensor", async () => {
    const { tf } = await loadTf();
    const data = shop();
    const index = (id: string) => data.catalog.productIndex.get(id)!;
    const model = new FactorizationRecommender({
      dimensions: 8,
      epochs: 25,
      batchSize: 64,
      learningRate: 0.05,
      seed: 3,
    });
    const tensorsBefore = tf.memory().numTensors;
    await model.fit(data);
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const out = new Float32Array(data.catalog.productIds.length);
    const rank = (history: History, cart: string[]) => {
      const query = { history, cart: cart.map(index) };
      model.score(query, out);
      return topK(out, 2, query.cart).map((i) => data.catalog.productIds[i]);
    };
    expect(rank(NO_HISTORY, ["kettle"])[0]).toBe("filters");
    expect(rank(NO_HISTORY, ["tea"])[0]).toBe("teapot");
    const loyal = customerHistories(data)(data.catalog.customerIndex.get("loyal")!);
    expect(rank(loyal, [])).toContain("beans");
  });

  it("gives the same vectors for the same seed, and scores a distribution over the catalog", async () => {
    const data = shop();
    const fitted = async (seed: number) => {
      const model = new FactorizationRecommender({ dimensions: 8, epochs: 3, batchSize: 32, seed });
      await model.fit(data);
      return model;
    };
    const [a, b, c] = [await fitted(5), await fitted(5), await fitted(6)];
    expect(a.state()).toEqual(b.state());
    expect(a.productVectors).not.toEqual(c.productVectors);

    const out = new Float32Array(data.catalog.productIds.length);
    const kettle = data.catalog.productIndex.get("kettle")!;
    a.score({ history: NO_HISTORY, cart: [kettle] }, out);
    expect(out.every((p) => p > 0 && p < 1)).toBe(true);
    expect(out.reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 4);
  });

  it("continues from its vectors on newer orders instead of starting over", async () => {
    const data = shop();
    const model = new FactorizationRecommender({ dimensions: 8, epochs: 25, batchSize: 64, seed: 3 });
    await model.fit(data);
    const before = model.productVectors.slice();
    const epochs: number[] = [];
    const updated = new FactorizationRecommender({
      dimensions: 8,
      epochs: 25,
      batchSize: 64,
      seed: 3,
      onEpoch: ({ epoch }) => epochs.push(epoch),
    });
    updated.restore(model.state());
    await updated.update(data, 1);
    expect(epochs).toEqual([1]);
    // One pass moves the vectors a little, not to a fresh random start.
    let moved = 0;
    let size = 0;
    for (let i = 0; i < before.length; i++) {
      moved += (updated.productVectors[i]! - before[i]!) ** 2;
      size += before[i]! ** 2;
    }
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(0.25 * size);
  });

  it("answers unknown customers and products without failing", async () => {
    const data = shop();
    const model = new FactorizationRecommender({ dimensions: 4, epochs: 1, seed: 1 });
    await model.fit(data);
    const out = new Float32Array(data.catalog.productIds.length);
    const history = { items: Int32Array.of(99_999), weights: Float32Array.of(1) };
    model.score({ history, cart: [99_999, -1] }, out);
    expect(out.every(Number.isFinite)).toBe(true);
  });
});
