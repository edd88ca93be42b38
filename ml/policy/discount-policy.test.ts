import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import {
  DEFAULT_DISCOUNT_LEVELS,
  type DiscountSettings,
  decideDiscount,
  type LevelOutcome,
  MIN_IMPRESSIONS,
} from "./discount-policy";

const settings: DiscountSettings = {
  enabled: true,
  maxPercent: 25,
  marginFloorPercent: 15,
  assumedCostPercent: 50,
  defaultPercent: 0,
};

/** Outcomes with exactly these take rates per level, `impressions` each. */
function history(rates: Record<number, number>, impressions = 1000): LevelOutcome[] {
  return Object.entries(rates).map(([percent, rate]) => ({
    percent: Number(percent),
    impressions,
    takes: Math.round(rate * impressions),
  }));
}

describe("decideDiscount", () => {
  it("gives no discount on an offer shoppers take anyway", () => {
    // price 20, cost 6: 0.20 × 14 = 2.80 beats 0.21 × 12 = 2.52 at 10% and 0.225 × 9 at 25%
    const decision = decideDiscount({
      price: 20,
      unitCost: 6,
      settings,
      outcomes: history({ 0: 0.2, 5: 0.205, 10: 0.21, 15: 0.215, 20: 0.22, 25: 0.225 }),
      budgetLeft: 1000,
    });
    expect(decision.percent).toBe(0);
    expect(decision.takeProbability).toBeCloseTo(0.2, 2);
    expect(decision.expectedMargin).toBeCloseTo(decision.takeProbability * 14, 10);
    expect(decision.explanation).toMatch(/^No discount: shoppers take this offer 20\.\d% of the time/);
  });

  it("gives a discount on an offer shoppers take only with one, at the level that earns most", () => {
    // price 40, cost 14: 0.01 × 26 = 0.26 at 0%, 0.17 × 20 = 3.40 at 15%, 0.18 × 18 = 3.24 at 20%
    const decision = decideDiscount({
      price: 40,
      unitCost: 14,
      settings,
      outcomes: history({ 0: 0.01, 5: 0.02, 10: 0.12, 15: 0.17, 20: 0.18, 25: 0.185 }),
      budgetLeft: 1000,
    });
    expect(decision.percent).toBe(15);
    expect(decision.takeProbability).toBeCloseTo(0.17, 2);
    expect(decision.explanation).toMatch(/^15% off: it lifts the take rate from 1\.\d% to 1[67]\.\d%/);
  });

  it("never lets noise make a discount look worse than no discount", () => {
    // 10% measured below 0% by chance: pooled with it, so a discount cannot win on noise
    const decision = decideDiscount({
      price: 40,
      unitCost: 10,
      settings,
      outcomes: history({ 0: 0.1, 10: 0.08 }, 300),
      budgetLeft: 1000,
    });
    expect(decision.percent).toBe(0);
    expect(decision.takeProbability).toBeGreaterThan(0.08);
    expect(decision.takeProbability).toBeLessThan(0.1);
  });

  it("keeps the default level until the offer has been shown enough", () => {
    const few = history({ 0: 0.01, 20: 0.5 }, 40);
    expect(MIN_IMPRESSIONS).toBeGreaterThan(80);
    const base = { price: 40, unitCost: 14, outcomes: few, budgetLeft: 1000 };
    const atZero = decideDiscount({ ...base, settings });
    expect(atZero.percent).toBe(0);
    expect(atZero.explanation).toMatch(/^Learning: this offer has been shown 80 of the/);
    expect(decideDiscount({ ...base, settings: { ...settings, defaultPercent: 10 } }).percent).toBe(10);
    // a default over the cap is not allowed: no discount
    expect(decideDiscount({ ...base, settings: { ...settings, defaultPercent: 40 } }).percent).toBe(0);
  });

  it("gives nothing when discounts are off or the price is unusable", () => {
    const outcomes = history({ 0: 0.01, 20: 0.3 });
    const off = decideDiscount({
      price: 40,
      unitCost: 14,
      settings: { ...settings, enabled: false },
      outcomes,
      budgetLeft: 99,
    });
    expect(off).toMatchObject({ percent: 0, explanation: "No discount: discounts are turned off." });
    for (const price of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const bad = decideDiscount({ price, unitCost: 14, settings, outcomes, budgetLeft: 99 });
      expect(bad).toEqual({
        percent: 0,
        expectedMargin: 0,
        takeProbability: 0,
        explanation: "No discount: the offer has no price.",
      });
    }
  });

  it("respects the margin floor with the assumed cost when the cost is unknown", () => {
    // cost 80% of 100: 100·(1 − p) − 80 ≥ 15 allows at most 5%
    const outcomes = history({ 0: 0.01, 5: 0.1, 10: 0.4, 15: 0.6, 20: 0.7, 25: 0.8 });
    const decision = decideDiscount({
      price: 100,
      unitCost: null,
      settings: { ...settings, assumedCostPercent: 80 },
      outcomes,
      budgetLeft: 1000,
    });
    expect(decision.percent).toBe(5);
    expect(decision.explanation).toContain(
      "10%, 15%, 20%, 25% not offered: they would leave less than the 15% margin floor.",
    );
  });

  it("offers only discounts the month's budget still covers", () => {
    const outcomes = history({ 0: 0.01, 5: 0.1, 10: 0.2, 15: 0.3, 20: 0.4, 25: 0.5 });
    const base = { price: 40, unitCost: 4, settings, outcomes };
    expect(decideDiscount({ ...base, budgetLeft: 1000 }).percent).toBe(25);
    // 10% of 40 = 4.00 fits a budget of 4.50, 15% = 6.00 does not
    const tight = decideDiscount({ ...base, budgetLeft: 4.5 });
    expect(tight.percent).toBe(10);
    expect(tight.explanation).toContain(
      "15%, 20%, 25% not offered: the discount budget left this month (4.50)",
    );
    expect(decideDiscount({ ...base, budgetLeft: 0 }).percent).toBe(0);
    expect(decideDiscount({ ...base, budgetLeft: Number.NaN }).percent).toBe(0);
    expect(decideDiscount({ ...base, budgetLeft: Number.POSITIVE_INFINITY }).percent).toBe(25);
  });

  it("caps custom levels at maxPercent and keeps 0 available", () => {
    const outcomes = history({ 0: 0.01, 12: 0.3, 40: 0.9 });
    const decision = decideDiscount({
      price: 100,
      unitCost: 10,
      settings: { ...settings, maxPercent: 30, levels: [12, 40] },
      outcomes,
      budgetLeft: 1000,
    });
    expect(decision.percent).toBe(12);
  });

  it("explores other levels by Thompson sampling when given an rng, and repeats for a seed", () => {
    const outcomes = history({ 0: 0.1, 5: 0.1 }, 60);
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 200 }, () =>
        decideDiscount({ price: 40, unitCost: 14, settings, outcomes, budgetLeft: 1000, rng }),
      );
    };
    const decisions = draw(1);
    expect(draw(1)).toEqual(decisions);
    expect(new Set(decisions.map((d) => d.percent)).size).toBeGreaterThan(2);
    const trying = decisions.find((d) => d.percent > 5)!;
    expect(trying.explanation).toMatch(
      /^Trying \d+% off to learn how shoppers respond to it; the best estimate/,
    );
    // the reported take probability is the posterior mean, not the draw that picked the level
    expect(trying.takeProbability).toBeCloseTo(0.1, 1);
  });

  it("never breaks the caps, the margin floor or the budget, and never returns NaN", () => {
    const rng = createRng(42);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
    for (let i = 0; i < 3000; i++) {
      const price = pick([0.5, 9.99, 20, 49.5, 120, 999, Number.NaN, 0, -3]);
      const unitCost = pick([null, 0, price * rng(), price * 1.2, Number.NaN, -1]);
      const custom = pick([undefined, [0, 7, 13, 50], [3.5, 100, 150, -5, Number.NaN], []]);
      const config: DiscountSettings = {
        enabled: rng() < 0.9,
        maxPercent: pick([0, 10, 15, 25, 30, 120, -5]),
        levels: custom,
        marginFloorPercent: pick([0, 10, 20, 50, 90]),
        assumedCostPercent: pick([0, 30, 60, 95]),
        defaultPercent: pick([0, 0, 5, 10, 35]),
      };
      const outcomes = (config.levels ?? DEFAULT_DISCOUNT_LEVELS).map((percent) => {
        const impressions = Math.floor(rng() * rng() * 400);
        return { percent, impressions, takes: Math.floor(impressions * rng() * pick([0.02, 0.3, 1.5])) };
      });
      const budgetLeft = pick([0, 1, 5, 50, 1e6, -10, Number.POSITIVE_INFINITY]);
      const decision = decideDiscount({
        price,
        unitCost,
        settings: config,
        outcomes,
        budgetLeft,
        rng: rng() < 0.5 ? rng : undefined,
      });

      expect(Number.isFinite(decision.percent)).toBe(true);
      expect(Number.isFinite(decision.expectedMargin)).toBe(true);
      expect(decision.takeProbability).toBeGreaterThanOrEqual(0);
      expect(decision.takeProbability).toBeLessThanOrEqual(1);
      expect(decision.explanation.length).toBeGreaterThan(10);
      if (decision.percent === 0) continue;
      expect(config.enabled).toBe(true);
      expect(decision.percent).toBeGreaterThan(0);
      expect(decision.percent).toBeLessThanOrEqual(config.maxPercent);
      const knownCost = unitCost !== null && Number.isFinite(unitCost) && unitCost >= 0;
      const cost = knownCost ? unitCost : (config.assumedCostPercent / 100) * price;
      const kept = price * (1 - decision.percent / 100) - cost;
      expect(kept).toBeGreaterThanOrEqual((config.marginFloorPercent / 100) * price - 1e-6);
      expect((price * decision.percent) / 100).toBeLessThanOrEqual(Math.max(budgetLeft, 0) + 1e-6);
    }
  });
});
