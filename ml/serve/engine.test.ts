import { describe, expect, it } from "vitest";
import { decodeEngine } from "../artifact/artifact";
import type { OrderRow } from "../data/csv";
import { generateSyntheticShop } from "../simulation/synthetic-shop";
import { loadTf } from "../train/tf";
import { trainEngine } from "../train/train-engine";
import type { Engine } from "./engine";

const shop = generateSyntheticShop({ seed: 11, products: 80, customers: 400, orders: 3000 });
const rows: OrderRow[] = [...shop.orders()].flatMap((order) =>
  order.lines.map((line) => ({
    orderId: order.id,
    customerId: order.customerId ?? "",
    productId: line.productId,
    orderedAt: order.orderedAt,
    productTitle: shop.products.find((p) => p.id === line.productId)!.title,
    productCategory: "",
  })),
);
const small = { factorization: { dimensions: 8, epochs: 2 }, validationQueries: 600 } as const;

/** Share of bundle members found in the top 10 when another member of the bundle is in the cart. */
function bundleRecall(engine: Engine): number {
  let found = 0;
  let total = 0;
  for (const bundle of shop.bundles) {
    for (const anchor of bundle) {
      const offered = new Set(engine.recommend({ cart: [anchor], k: 10 }).map((o) => o.productId));
      for (const mate of bundle) {
        if (mate === anchor) continue;
        total++;
        if (offered.has(mate)) found++;
      }
    }
  }
  return found / total;
}

describe("trainEngine", () => {
  it("recovers the planted bundles, measures itself, and frees every tensor", async () => {
    const { tf } = await loadTf();
    const tensors = tf.memory().numTensors;
    const result = await trainEngine({ rows, seed: 3, model: small });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(bundleRecall(result.engine)).toBeGreaterThan(0.6);
    expect(result.holdout.queries).toBeGreaterThan(50);
    expect(result.holdout.ndcg).toBeGreaterThan(0.1);
    expect(result.holdout.ndcgStdErr).toBeGreaterThan(0);
    expect(result.window.orders).toBe(3000);
    expect(result.window.from! < result.window.to!).toBe(true);
  }, 120_000);

  it("gives the same model for the same seed, and it survives encoding", async () => {
    const [a, b] = [
      await trainEngine({ rows, seed: 5, model: small }),
      await trainEngine({ rows, seed: 5, model: small }),
    ];
    expect(Buffer.from(a.engine.encode()).equals(Buffer.from(b.engine.encode()))).toBe(true);
    // As read from the database: a Node Buffer, sliced out of a larger allocation.
    const encoded = a.engine.encode();
    const pooled = Buffer.alloc(encoded.length + 3);
    pooled.set(encoded, 3);
    const restored = await decodeEngine(pooled.subarray(3));
    const customer = rows.find((r) => r.customerId)!;
    const queries = [
      { cart: [shop.bundles[0]![0]!], k: 5 },
      { cart: [], history: [{ productId: customer.productId, at: Date.parse("2026-10-01") }], k: 5 },
    ];
    for (const query of queries) expect(restored.recommend(query)).toEqual(a.engine.recommend(query));
  }, 180_000);

  it("answers cold starts, never offers the cart or excluded products, and rejects bad artifacts", async () => {
    const { engine } = await trainEngine({ rows, seed: 3, model: { ...small, ranker: false } });
    const unknown = engine.recommend({
      cart: ["no-such-product"],
      history: [{ productId: "gone", at: 0 }],
      k: 4,
    });
    expect(unknown).toHaveLength(4);
    expect(unknown.every((o) => o.reasonKind === "popular" && o.reasonProductId === null)).toBe(true);
    const anchor = shop.bundles[0]![0]!;
    const first = engine.recommend({ cart: [anchor], k: 3 });
    const exclude = new Set(first.map((o) => o.productId));
    const next = engine.recommend({ cart: [anchor], k: 3, exclude });
    expect(next).toHaveLength(3);
    for (const offer of next) {
      expect(exclude.has(offer.productId)).toBe(false);
      expect(offer.productId).not.toBe(anchor);
    }
    expect(["bought-with", "similar"]).toContain(first[0]!.reasonKind);
    expect(first[0]!.reasonProductId).toBe(anchor);
    const bytes = engine.encode();
    await expect(decodeEngine(bytes.subarray(0, bytes.length - 10))).rejects.toThrow(/truncated/);
    await expect(decodeEngine(new TextEncoder().encode("not a model at all"))).rejects.toThrow(
      /not an engine/,
    );
    // A header that is JSON but not an engine's is refused by name, before its arrays are read.
    const damaged = (change: (header: Record<string, unknown>) => void) => withHeader(bytes, change);
    await expect(decodeEngine(damaged((h) => delete h.titles))).rejects.toThrow(/header titles /);
    await expect(decodeEngine(damaged((h) => (h.productIds = [1, 2])))).rejects.toThrow(
      /header productIds\.0 /,
    );
    await expect(
      decodeEngine(damaged((h) => ((h.params as { alphas: unknown }).alphas = { coPurchase: "high" }))),
    ).rejects.toThrow(/header params\.alphas\.coPurchase /);
    await expect(decodeEngine(damaged((h) => (h.version = 1)))).rejects.toThrow(
      /unsupported engine artifact/,
    );
  }, 120_000);
});

/** The artifact with its JSON header changed, its arrays left as they were. */
function withHeader(bytes: Uint8Array, change: (header: Record<string, unknown>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(4);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  change(header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 4) * 4;
  const arrays = bytes.subarray(8 + Math.ceil(length / 4) * 4);
  const out = new Uint8Array(8 + padded + arrays.length);
  const outView = new DataView(out.buffer);
  outView.setUint32(0, view.getUint32(0));
  outView.setUint32(4, json.length);
  out.set(json, 8);
  out.set(arrays, 8 + padded);
  return out;
}
