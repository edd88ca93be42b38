import { describe, expect, it } from "vitest";
import { buildDataset } from "../data/dataset";
import { customerHistories } from "../data/history";
import { rowsOf } from "../simulation/test-data";
import { BuyAgainRecommender } from "./buy-again";
import { CoPurchaseRecommender } from "./co-purchase";
import { EaseRecommender } from "./ease";
import { HybridRecommender } from "./hybrid";
import { PopularityRecommender } from "./popularity";
import { type Recommender, recommendTop } from "./recommender";

// a and b go together; c and d go together; customer "loyal" keeps buying e; f is the bestseller.
function tinyShop() {
  const orders: Array<[string, string, string, string[]]> = [];
  const day = (d: number) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString();
  for (let i = 0; i < 12; i++) orders.push([`ab${i}`, `u${i}`, day(i), ["a", "b", "f"]]);
  for (let i = 0; i < 6; i++) orders.push([`cd${i}`, `v${i}`, day(i), ["c", "d"]]);
  for (let i = 0; i < 8; i++) orders.push([`f${i}`, "", day(i), ["f", i % 2 ? "a" : "g"]]);
  for (let i = 0; i < 5; i++) orders.push([`e${i}`, "loyal", day(i * 3), ["e", "f"]]);
  return buildDataset(rowsOf(orders));
}

const data = tinyShop();
const id = (p: string) => data.catalog.productIndex.get(p)!;
const historyOf = customerHistories(data);
const loyal = data.catalog.customerIndex.get("loyal")!;

async function ranked(model: Recommender, customer: number, cart: string[], k = 3) {
  await model.fit(data);
  const out = new Float32Array(data.catalog.productIds.length);
  return recommendTop(model, { history: historyOf(customer), cart: cart.map(id) }, k, out).map(
    (i) => data.catalog.productIds[i],
  );
}

describe("recommenders on a tiny shop", () => {
  it("popularity ranks the bestseller first and skips the cart", async () => {
    expect((await ranked(new PopularityRecommender(), -1, []))[0]).toBe("f");
    expect(await ranked(new PopularityRecommender(), -1, ["f"])).not.toContain("f");
  });

  it("co-purchase and EASE put the complement first", async () => {
    for (const model of [new CoPurchaseRecommender(), new EaseRecommender({ lambda: 1 })]) {
      const list = await ranked(model, -1, ["c"]);
      expect(list[0]).toBe("d");
      expect(list).not.toContain("c");
    }
  });

  it("co-purchase gives back how many orders hold both products", async () => {
    const model = new CoPurchaseRecommender({ alpha: 0.8 });
    await model.fit(data);
    // a is in 16 orders, f in 25; they share the 12 "ab" orders and 4 guest orders.
    const orders = new Map([
      [id("a"), 16],
      [id("f"), 25],
      [id("b"), 12],
      [id("g"), 4],
      [id("e"), 5],
    ]);
    const counts = new Map<number, number>();
    model.forEachCount(
      id("a"),
      (p) => orders.get(p) ?? 0,
      (j, c) => counts.set(j, c),
    );
    expect(counts.get(id("f"))).toBeCloseTo(16, 4);
    expect(counts.get(id("b"))).toBeCloseTo(12, 4);
  });

  it("buy-again ranks the customer's own repeat purchase first", async () => {
    expect((await ranked(new BuyAgainRecommender(), loyal, ["f"]))[0]).toBe("e");
  });

  it("every model answers cold-start queries with k products", async () => {
    const models = [
      new PopularityRecommender(),
      new CoPurchaseRecommender(),
      new EaseRecommender(),
      new BuyAgainRecommender(),
      new HybridRecommender(),
    ];
    for (const model of models) {
      const list = await ranked(model, -1, [], 4);
      expect(list).toHaveLength(4);
      expect(new Set(list).size).toBe(4);
    }
  });

  it("the hybrid recommends complements for the cart with a reason", async () => {
    const model = new HybridRecommender({ seed: 1 });
    await model.fit(data);
    const offers = model.recommend({ history: historyOf(-1), cart: [id("c")] }, 3);
    expect(offers.map((o) => o.product)).not.toContain(id("c"));
    expect(offers[0]!.product).toBe(id("d"));
    expect(offers[0]!.reason).toEqual({ kind: "bought-with", product: id("c") });
    const mine = model.recommend({ history: historyOf(loyal), cart: [id("f")] }, 3);
    expect(mine.map((o) => o.product)).toContain(id("e"));
    const reasonForE = mine.find((o) => o.product === id("e"))!.reason;
    expect(reasonForE).toEqual({ kind: "bought-before" });
  });
});

describe("EASE closed form", () => {
  it("matches B[i][j] = G_ij / (G_ii + λ) on two products", async () => {
    // orders {x,y}, {x,y}, {x}: G = [[3, 2], [2, 2]]; with λ = 1, B[x][y] = 2 / 4, B[y][x] = 2 / 3.
    const two = buildDataset(
      rowsOf([
        ["1", "", "", ["x", "y"]],
        ["2", "", "", ["x", "y"]],
        ["3", "", "", ["x"]],
      ]),
    );
    const ease = new EaseRecommender({ lambda: 1 });
    await ease.fit(two);
    const [x, y] = [two.catalog.productIndex.get("x")!, two.catalog.productIndex.get("y")!];
    expect(ease.weight(x, y)).toBeCloseTo(0.5, 6);
    expect(ease.weight(y, x)).toBeCloseTo(2 / 3, 6);
    expect(ease.weight(x, x)).toBe(0);
  });
});
