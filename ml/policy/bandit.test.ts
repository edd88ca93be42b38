import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import { type ArmStats, type BanditCandidate, chooseOffers, eligibleCandidates } from "./bandit";

const candidates: BanditCandidate[] = [
  { id: "a", relevance: 0.9 },
  { id: "b", relevance: 1 },
  { id: "c", relevance: 0.7 },
  { id: "d", relevance: 0.55 },
  { id: "e", relevance: 0.5 },
  { id: "f", relevance: 0.45 },
  { id: "g", relevance: 0.6 },
];

describe("eligibleCandidates", () => {
  it("keeps the ranker's top M, best first, within a fraction of the best score", () => {
    expect(eligibleCandidates(candidates).map((c) => c.id)).toEqual(["b", "a", "c", "g", "d"]);
    expect(eligibleCandidates(candidates, { topM: 3 }).map((c) => c.id)).toEqual(["b", "a", "c"]);
    expect(eligibleCandidates(candidates, { topM: 10, minRelevanceRatio: 0.5 }).map((c) => c.id)).toEqual([
      "b",
      "a",
      "c",
      "g",
      "d",
      "e",
    ]);
  });

  it("ignores the ratio when scores are not positive, drops duplicates and non-finite scores", () => {
    const odd = [
      { id: "x", relevance: -1 },
      { id: "y", relevance: -3 },
      { id: "x", relevance: -2 },
      { id: "z", relevance: Number.NaN },
    ];
    expect(eligibleCandidates(odd).map((c) => c.id)).toEqual(["x", "y"]);
    expect(eligibleCandidates([])).toEqual([]);
  });
});

/** Runs the bandit against arms with known take rates; returns the picks and the expected regret. */
function play(takeRates: Record<string, number>, rounds: number, seed: number, randomShare?: number) {
  const arms = Object.keys(takeRates).map((id) => ({ id, relevance: 1 }));
  const best = Math.max(...Object.values(takeRates));
  const stats = new Map<string, ArmStats>(arms.map((a) => [a.id, { impressions: 0, takes: 0 }]));
  const rng = createRng(seed);
  const shopper = createRng(seed + 1);
  const picks: string[] = [];
  const regret: number[] = [];
  let total = 0;
  for (let round = 0; round < rounds; round++) {
    const { chosen } = chooseOffers({ candidates: arms, stats, k: 1, rng, explore: { randomShare } });
    const id = chosen[0]!.id;
    const arm = stats.get(id)!;
    arm.impressions++;
    if (shopper() < takeRates[id]!) arm.takes++;
    picks.push(id);
    total += best - takeRates[id]!;
    regret.push(total);
  }
  return { picks, regret };
}

describe("chooseOffers", () => {
  const rates = { a: 0.04, b: 0.06, c: 0.1, d: 0.05, e: 0.03 };
  const rounds = 20_000;

  it("converges to the offer with the highest take rate", () => {
    const { picks } = play(rates, rounds, 1);
    const late = picks.slice(rounds * 0.8);
    expect(late.filter((id) => id === "c").length / late.length).toBeGreaterThan(0.8);
  });

  it("has sublinear regret without the random slice, and only the slice's cost with it", () => {
    const pure = play(rates, rounds, 2, 0).regret;
    const half = pure[rounds / 2 - 1]!;
    expect(pure[rounds - 1]! - half).toBeLessThan(0.5 * half);
    // With the 5% slice: the late regret per round is the slice's, 0.05 × mean gap 0.056 = 0.0028, or close.
    const sliced = play(rates, rounds, 2).regret;
    const latePerRound = (sliced[rounds - 1]! - sliced[rounds * 0.8 - 1]!) / (rounds * 0.2);
    expect(latePerRound).toBeLessThan(0.006);
    expect(sliced[rounds * 0.1 - 1]!).toBeGreaterThan(sliced[rounds - 1]! - sliced[rounds * 0.9 - 1]!);
  });

  it("weights take rates by margin when every candidate has one", () => {
    const stats = new Map<string, ArmStats>([
      ["cheap", { impressions: 5000, takes: 1000 }], // 0.20 × 2 = 0.40
      ["dear", { impressions: 5000, takes: 500 }], // 0.10 × 10 = 1.00
    ]);
    const offers = [
      { id: "cheap", relevance: 1, margin: 2 },
      { id: "dear", relevance: 0.9, margin: 10 },
    ];
    const rng = createRng(3);
    const choose = (list: BanditCandidate[]) =>
      chooseOffers({ candidates: list, stats, k: 1, rng, explore: { randomShare: 0 } }).chosen[0]!.id;
    expect(choose(offers)).toBe("dear");
    expect(choose(offers.map(({ id, relevance }) => ({ id, relevance })))).toBe("cheap");
  });

  it("flags a uniformly random slice of about 5% and never leaves the eligible candidates", () => {
    const rng = createRng(4);
    const stats = new Map<string, ArmStats>([["b", { impressions: 1000, takes: 300 }]]);
    const eligible = new Set(["b", "a", "c", "g", "d"]);
    const randomPicks = new Map<string, number>();
    let randomized = 0;
    const draws = 40_000;
    let wrong = 0;
    for (let i = 0; i < draws; i++) {
      const choice = chooseOffers({ candidates, stats, k: 2, rng });
      const [first, second] = choice.chosen.map((offer) => offer.id);
      const fine = choice.eligible === 5 && eligible.has(first!) && eligible.has(second!) && first !== second;
      if (!fine) wrong++;
      if (!choice.randomized) continue;
      randomized++;
      for (const offer of choice.chosen) randomPicks.set(offer.id, (randomPicks.get(offer.id) ?? 0) + 1);
    }
    expect(wrong).toBe(0);
    expect(randomized / draws).toBeGreaterThan(0.045);
    expect(randomized / draws).toBeLessThan(0.055);
    // uniform: each eligible offer appears in about 2 of 5 random choices
    for (const id of eligible) expect((randomPicks.get(id) ?? 0) / randomized).toBeCloseTo(0.4, 1);
  });

  it("repeats itself for a seed and copes with k beyond the eligible count", () => {
    const stats = new Map<string, ArmStats>();
    const run = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => chooseOffers({ candidates, stats, k: 9, rng }));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)[0]!.chosen).toHaveLength(5);
    expect(chooseOffers({ candidates: [], stats, k: 3, rng: createRng(1) }).chosen).toEqual([]);
    expect(chooseOffers({ candidates, stats, k: 0, rng: createRng(1) }).chosen).toEqual([]);
  });
});
