import { describe, expect, it } from "vitest";
import { buildDataset, type Dataset } from "../data/dataset";
import { customerHistories, historyOf } from "../data/history";
import { generateSyntheticShop } from "../simulation/synthetic-shop";
import { rowsOf } from "../simulation/test-data";
import { recommendTop } from "./recommender";
import { DEFAULT_TIFU_PARAMS, type TifuKnnOptions, TifuKnnRecommender, vectorOf } from "./tifu-knn";

type Order = [string, string, string, string[]];
const day = (d: number) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString();

// c and d go together; f is the bestseller; a few regulars with their own habits.
function shopWith(extra: Order[]): Dataset {
  const orders: Order[] = [];
  for (let i = 0; i < 6; i++) orders.push([`cd${i}`, `v${i}`, day(i), ["c", "d"]]);
  for (let i = 0; i < 10; i++) orders.push([`f${i}`, "", day(i), ["f", i % 2 ? "g" : "h"]]);
  return buildDataset(rowsOf([...orders, ...extra]));
}

async function ranked(data: Dataset, customer: string, cart: string[], options: TifuKnnOptions = {}) {
  const model = new TifuKnnRecommender(options);
  await model.fit(data);
  const index = data.catalog.customerIndex.get(customer) ?? -1;
  const query = {
    history: customerHistories(data)(index),
    cart: cart.map((p) => data.catalog.productIndex.get(p)!),
  };
  const out = new Float32Array(data.catalog.productIds.length);
  return recommendTop(model, query, 5, out).map((i) => data.catalog.productIds[i]);
}

describe("TIFU-KNN", () => {
  it("ranks first what the shopper keeps buying", async () => {
    const data = shopWith([
      ["x1", "loyal", day(1), ["x", "a"]],
      ["x2", "loyal", day(3), ["x", "b"]],
      ["x3", "loyal", day(5), ["x", "e"]],
      ["x4", "loyal", day(7), ["x", "k"]],
      ["y1", "loyal", day(9), ["y"]],
    ]);
    expect((await ranked(data, "loyal", []))[0]).toBe("x");
  });

  it("counts a recent order more than an old one", async () => {
    const data = shopWith([
      ["p-then-q-1", "pq", day(1), ["p"]],
      ["p-then-q-2", "pq", day(20), ["q"]],
      ["q-then-p-1", "qp", day(1), ["q"]],
      ["q-then-p-2", "qp", day(20), ["p"]],
    ]);
    expect((await ranked(data, "pq", []))[0]).toBe("q");
    expect((await ranked(data, "qp", []))[0]).toBe("p");
  });

  it("gives a shopper without orders the cart's co-purchases", async () => {
    const data = shopWith([["x1", "loyal", day(1), ["x", "a"]]]);
    expect((await ranked(data, "", ["c"]))[0]).toBe("d");
  });

  it("recommends what similar shoppers keep buying when neighbours count", async () => {
    const fans: Order[] = [];
    for (let u = 0; u < 4; u++) {
      fans.push([`fan${u}-1`, `fan${u}`, day(u), ["a", "b", "z"]]);
      fans.push([`fan${u}-2`, `fan${u}`, day(u + 10), ["z"]]);
    }
    const data = shopWith([...fans, ["new1", "newcomer", day(30), ["a", "b"]]]);
    const withNeighbours = await ranked(data, "newcomer", [], { tune: false, params: { alpha: 0.5 } });
    expect(withNeighbours.slice(0, 3)).toEqual(["a", "b", "z"]);
    const alone = await ranked(data, "newcomer", [], { tune: false, params: { alpha: 1 } });
    // Alone, what follows the shopper's own products is just the bestseller.
    expect(alone.slice(0, 3)).toEqual(["a", "b", "f"]);
  });

  it("reads a history with purchases the fit never saw from its last-purchase days", async () => {
    const data = shopWith([["x1", "loyal", day(1), ["x", "a"]]]);
    const model = new TifuKnnRecommender();
    await model.fit(data);
    const id = (p: string) => data.catalog.productIndex.get(p)!;
    const history = historyOf(
      [
        { product: id("g"), at: Date.parse(day(2)) },
        { product: id("a"), at: Date.parse(day(40)) },
      ],
      Date.parse(day(41)),
    );
    const out = new Float32Array(data.catalog.productIds.length);
    const list = recommendTop(model, { history, cart: [] }, 2, out).map((i) => data.catalog.productIds[i]);
    expect(list).toEqual(["a", "g"]);
  });

  it("weighs baskets by group and by place in the group", () => {
    // Three baskets, m = 2: groups {0, 1} and {2}. Basket 0 weighs r_g r_b / (2 * 2), basket 1
    // r_g / (2 * 2), basket 2 1 / (1 * 2).
    const params = { ...DEFAULT_TIFU_PARAMS, groupSize: 2, basketDecay: 0.5, groupDecay: 0.25 };
    const vector = vectorOf([[0], [1], [0, 2]], params);
    expect([...vector.items]).toEqual([0, 1, 2]);
    expect([...vector.values]).toEqual([0.03125 + 0.5, 0.0625, 0.5]);
  });

  it("chooses its parameters on a validation split of the training orders", async () => {
    const shop = generateSyntheticShop({ seed: 11, products: 60, customers: 300, orders: 2000 });
    const data = buildDataset(
      [...shop.orders()].flatMap((order) =>
        order.lines.map((line) => ({
          orderId: order.id,
          customerId: order.customerId ?? "",
          productId: line.productId,
          orderedAt: order.orderedAt,
          productTitle: line.productId,
          productCategory: "",
        })),
      ),
    );
    const model = new TifuKnnRecommender({ seed: 3, validationQueries: 400 });
    await model.fit(data);
    expect(model.params).not.toEqual(DEFAULT_TIFU_PARAMS);
    expect(model.params.alpha).toBeGreaterThan(0);
    expect(model.params.alpha).toBeLessThanOrEqual(1);
  });
});
