import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "./cli";
import { generateSyntheticShop, syntheticShopCsv } from "./simulation/synthetic-shop";

const dir = mkdtempSync(join(tmpdir(), "ml-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("recommend command", () => {
  it("prints one JSON line per query, best first, and nothing else on stdout", async () => {
    const shop = generateSyntheticShop({ seed: 3, products: 40, customers: 60, orders: 400 });
    const train = join(dir, "train.csv");
    writeFileSync(train, `${[...syntheticShopCsv(shop)].join("\n")}\n`);
    const [first] = shop.orders();
    const known = first!.lines[0]!.productId;
    const queries = join(dir, "queries.jsonl");
    writeFileSync(
      queries,
      [
        { id: "q1", customer_id: first!.customerId ?? "", cart: [known], at: "2026-11-02T10:00:00Z" },
        { id: "q2", customer_id: "nobody", cart: ["no-such-product"] },
        { id: "q3", cart: [] },
      ]
        .map((q) => JSON.stringify(q))
        .join("\n"),
    );
    let stdout = "";
    const logs: string[] = [];
    await main(["recommend", "--train", train, "--queries", queries, "--k", "5", "--seed", "1"], {
      out: (text) => {
        stdout += text;
      },
      log: (text) => logs.push(text),
    });
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => l.id)).toEqual(["q1", "q2", "q3"]);
    const catalog = new Set(shop.products.map((p) => p.id));
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(["id", "products"]);
      expect(line.products).toHaveLength(5);
      for (const p of line.products) expect(catalog.has(p)).toBe(true);
    }
    expect(lines[0].products).not.toContain(known);
    expect(logs.length).toBeGreaterThan(0);
  });
});
