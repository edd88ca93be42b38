import { describe, expect, it } from "vitest";
import { buildDataset, withProducts } from "../data/dataset";
import { rowsOf } from "../simulation/test-data";
import { WordAffinityRecommender } from "./word-affinity";

/**
 * Two themes across three product types: shoppers buy within a theme (a spaceboy lunch box with
 * spaceboy cake cases), never a type across themes. Each theme has a product nobody has bought yet.
 * `brand` starts every title, as a shop's own name does; `unsold` adds products nobody bought.
 */
function themedShop({ brand = "", unsold = 0 }: { brand?: string; unsold?: number } = {}) {
  const types = ["lunch box", "cake cases", "apron"];
  const title = (text: string) => `${brand} ${text}`.trim();
  const products = ["spaceboy", "dolly"].flatMap((theme) => [
    ...types.map((type) => ({
      id: `${theme}-${type.replace(" ", "-")}`,
      title: title(`${theme} ${type}`),
      category: "",
      keywords: "",
    })),
    { id: `${theme}-tray`, title: title(`${theme} tray`), category: "", keywords: "" },
  ]);
  for (let k = 0; k < unsold; k++) {
    products.push({ id: `card-${k}`, title: title(`greeting card ${k}`), category: "", keywords: "" });
  }
  const orders: Array<[string, string, string, string[]]> = [];
  for (let i = 0; i < 12; i++) {
    const theme = i % 2 === 0 ? "spaceboy" : "dolly";
    const [a, b] = [types[i % 3]!, types[(i + 1) % 3]!];
    orders.push([
      `o${i}`,
      `c${i}`,
      "",
      [`${theme}-${a.replace(" ", "-")}`, `${theme}-${b.replace(" ", "-")}`],
    ]);
  }
  const data = withProducts(buildDataset(rowsOf(orders)), products);
  const id = (p: string) => data.catalog.productIndex.get(p)!;
  return { data, id };
}

describe("word affinity", () => {
  it("prefers the cart's theme across product types, even for a product nobody has bought", async () => {
    const { data, id } = themedShop();
    const model = new WordAffinityRecommender();
    await model.fit(data);
    const out = new Float32Array(data.catalog.productIds.length);
    model.scoreCart([id("spaceboy-lunch-box")], out);
    expect(out[id("spaceboy-cake-cases")]).toBeGreaterThan(out[id("dolly-cake-cases")]!);
    expect(out[id("spaceboy-apron")]).toBeGreaterThan(out[id("dolly-apron")]!);
    // Neither tray was ever bought: the theme's word alone tells them apart.
    expect(out[id("spaceboy-tray")]).toBeGreaterThan(out[id("dolly-tray")]!);
  });

  it("scores the same after its state is stored and restored", async () => {
    const { data, id } = themedShop();
    const model = new WordAffinityRecommender();
    await model.fit(data);
    const restored = new WordAffinityRecommender();
    restored.restore(structuredClone(model.state()));
    const cart = [id("dolly-apron"), id("spaceboy-cake-cases")];
    const [a, b] = [
      new Float32Array(data.catalog.productIds.length),
      new Float32Array(data.catalog.productIds.length),
    ];
    model.scoreCart(cart, a);
    restored.scoreCart(cart, b);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Math.max(...a)).toBeGreaterThan(0);
  });

  it("ignores a word on most of the catalog, such as the shop's own name in every title", async () => {
    const scores = async (brand: string) => {
      const { data, id } = themedShop({ brand, unsold: 30 });
      const model = new WordAffinityRecommender();
      await model.fit(data);
      const out = new Float32Array(data.catalog.productIds.length);
      model.scoreCart([id("spaceboy-lunch-box")], out);
      return { out, id };
    };
    const plain = await scores("");
    const branded = await scores("acme");
    expect(Array.from(branded.out)).toEqual(Array.from(plain.out));
    expect(branded.out[branded.id("spaceboy-tray")]).toBeGreaterThan(branded.out[branded.id("dolly-tray")]!);
  });

  it("gives nothing for a cart of unknown products", async () => {
    const { data } = themedShop();
    const model = new WordAffinityRecommender();
    await model.fit(data);
    const out = new Float32Array(data.catalog.productIds.length).fill(7);
    model.scoreCart([-1, 10_000], out);
    expect(Math.max(...out)).toBe(0);
  });
});
