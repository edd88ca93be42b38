import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import { Ranker, type RankingData } from "./ranker";
import { rankingNdcg, trainBaggedRanker, trainRanker } from "./ranker-training";

/**
 * Queries of 20 candidates with two features; a candidate is relevant when feature 0 is high AND
 * feature 1 is low, an interaction no single weighted sum of the raw features ranks well.
 */
function interactionData(queries: number, seed: number): RankingData {
  const rng = createRng(seed);
  const perQuery = 20;
  const rows = queries * perQuery;
  const data: RankingData = {
    featureCount: 2,
    features: new Float32Array(rows * 2),
    labels: new Uint8Array(rows),
    groups: new Int32Array(queries + 1),
    targets: new Int32Array(queries),
  };
  for (let q = 0; q < queries; q++) {
    data.groups[q] = q * perQuery;
    for (let c = 0; c < perQuery; c++) {
      const r = q * perQuery + c;
      const [a, b] = [rng(), rng()];
      data.features[2 * r] = a;
      data.features[2 * r + 1] = b;
      data.labels[r] = a > 0.6 && b < 0.4 ? 1 : 0;
      data.targets[q]! += data.labels[r]!;
    }
  }
  data.groups[queries] = rows;
  return data;
}

function scoresOf(ranker: Ranker, data: RankingData): Float64Array {
  const scores = new Float64Array(data.labels.length);
  for (let r = 0; r < scores.length; r++) scores[r] = ranker.predict(data.features, r * data.featureCount);
  return scores;
}

describe("LambdaMART ranker", () => {
  it("learns an interaction between features and ranks unseen queries by it", () => {
    const ranker = trainRanker(interactionData(300, 1), { seed: 1, minLeaf: 20 });
    expect(ranker.trees).toBeGreaterThan(0);
    const test = interactionData(200, 2);
    const all = Array.from({ length: 200 }, (_, q) => q);
    const learned = rankingNdcg(test, scoresOf(ranker, test), all);
    // The best single feature on its own: feature 0 ranks high values first.
    const byFeature0 = Float64Array.from({ length: test.labels.length }, (_, r) => test.features[2 * r]!);
    expect(learned).toBeGreaterThan(0.95);
    expect(learned).toBeGreaterThan(rankingNdcg(test, byFeature0, all) + 0.1);
  });

  it("scores a block of rows exactly as it scores each row alone", () => {
    const data = interactionData(10, 5);
    const ranker = trainRanker(interactionData(100, 6), { seed: 6, minLeaf: 10, trees: 20 });
    const rows = data.labels.length;
    const block = new Float64Array(rows + 1).fill(Number.NaN);
    ranker.predictRows(data.features, data.featureCount, rows, block);
    expect([...block.subarray(0, rows)]).toEqual([...scoresOf(ranker, data)]);
    expect(block[rows]).toBeNaN();
  });

  it("refuses, when read, a tree whose node points back to itself", async () => {
    const tree = {
      feature: Int32Array.from([0, -1]),
      threshold: Float32Array.from([0.5, 0]),
      left: Int32Array.from([0, -1]),
      right: Int32Array.from([1, -1]),
      value: Float32Array.from([0, 1]),
      roots: Int32Array.from([0]),
    };
    const pause = () => Promise.resolve();
    await expect(Ranker.restore(tree).prepare(pause)).rejects.toThrow(/malformed ranker/);
    const sound = Ranker.restore({ ...tree, left: Int32Array.from([1, -1]) });
    await sound.prepare(pause);
    expect(sound.trees).toBe(1);
  });

  it("bags ensembles into one whose score is the sum of theirs", () => {
    const data = interactionData(100, 4);
    const options = { seed: 4, minLeaf: 20, trees: 10 };
    const bagged = trainBaggedRanker(data, 3, options);
    const parts = [0, 1, 2].map((b) => trainRanker(data, { ...options, seed: 4 + 1000 * b }));
    expect(bagged.trees).toBe(parts.reduce((sum, p) => sum + p.trees, 0));
    const sums = parts.map((p) => scoresOf(p, data)).reduce((a, b) => a.map((x, i) => x + b[i]!));
    scoresOf(bagged, data).forEach((s, r) => {
      expect(s).toBeCloseTo(sums[r]!, 5);
    });
  });

  it("scores the same after its arrays are stored and restored", () => {
    const data = interactionData(100, 3);
    const ranker = trainRanker(data, { seed: 3, minLeaf: 20, trees: 20 });
    const restored = Ranker.restore(ranker.state());
    expect(Array.from(scoresOf(restored, data))).toEqual(Array.from(scoresOf(ranker, data)));
  });
});
