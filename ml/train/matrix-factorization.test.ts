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
