import { describe, expect, it } from "vitest";
import { buildDataset, withProducts } from "../data/dataset";
import { rowsOf } from "../simulation/test-data";
import { ContentRecommender, contentTokens } from "./content";
import { topK } from "./recommender";

describe("content similarity", () => {
  it("tokenizes titles into words without numbers, one-letter words or stop words", () => {
    expect(contentTokens("Set of 3 RETROSPOT Cake-Tins & a lid")).toEqual([
      "retrospot",
      "cake",
      "tins",
      "lid",
    ]);
  });

  it("puts a product nobody bought next to its range, through words alone", async () => {
    const orders: Array<[string, string, string, string[]]> = [];
    for (let i = 0; i < 10; i++) orders.push([`o${i}`, "", "", ["mug-red", "plate-blue", `filler-${i % 5}`]]);
    const data = withProducts(buildDataset(rowsOf(orders)), [
      { id: "mug-red", title: "Retrospot mug red", category: "kitchen", keywords: "" },
      { id: "plate-blue", title: "Regency plate blue", category: "kitchen", keywords: "" },
      { id: "bowl-new", title: "Retrospot bowl", category: "kitchen", keywords: "new arrival" },
      { id: "lamp-new", title: "Desk lamp", category: "lighting", keywords: "" },
      ...Array.from({ length: 5 }, (_, i) => ({
        id: `filler-${i}`,
        title: `Filler ${i}`,
        category: "misc",
        keywords: "",
      })),
    ]);
    const model = new ContentRecommender();
    await model.fit(data);
    const id = (p: string) => data.catalog.productIndex.get(p)!;
    const out = new Float32Array(data.catalog.productIds.length);
    model.scoreCart([id("mug-red")], out);
    expect(data.catalog.productIds[topK(out, 1, [id("mug-red")])[0]!]).toBe("bowl-new");
    expect(out[id("lamp-new")]).toBe(0);
  });
});
