import { describe, expect, it } from "vitest";
import { createRng } from "../data/random";
import {
  type DiscountModel,
  type DiscountOutcome,
  fitDiscountModel,
  type ShopperContext,
  takeEstimator,
} from "./discount-model";
import { type DiscountSettings, decideDiscount, EXPLORATION_COST, MIN_IMPRESSIONS } from "./discount-policy";

const LEVELS = [0, 5, 10, 15, 20, 25];
const offer = { id: "case", category: "phone accessories" };
const context: ShopperContext = { segment: "returning", discountHistory: null };

// levels unset: the default 0..30, with 30 over maxPercent
const settings: DiscountSettings = {
  enabled: true,
  maxPercent: 25,
  marginFloorPercent: 15,
  assumedCostPercent: 50,
  defaultPercent: 0,
};

/** The shop's model, fitted to this offer shown `impressions` times at each level, taken at `rates`. */
function modelOf(rates: Record<number, number>, impressions = 2000, price = 40): DiscountModel {
  const outcomes: DiscountOutcome[] = Object.entries(rates).map(([percent, rate]) => ({
    offer: { ...offer, price },
    context,
    percent: Number(percent),
    impressions,
    takes: Math.round(rate * impressions),
  }));
  return fitDiscountModel(outcomes, { levels: LEVELS });
}

// Taken only with a discount. Price 40, cost 14: 0.01 × 26 = 0.26 at 0%, 0.02 × 24 = 0.48 at 5%,
// 0.12 × 22 = 2.64 at 10%, 0.17 × 20 = 3.40 at 15%, 0.18 × 18 = 3.24 at 20%, 0.185 × 16 = 2.96 at 25%.
const needsDiscount = modelOf({ 0: 0.01, 5: 0.02, 10: 0.12, 15: 0.17, 20: 0.18, 25: 0.185 });
const caseAt40 = { price: 40, unitCost: 14, settings, offer, context, budgetLeft: 1000 };

describe("decideDiscount", () => {
  it("gives no discount on an offer shoppers take anyway", () => {
    // price 20, cost 6, 20% taken at every level: 0.20 × 14 = 2.80 at 0% beats 0.20 × 13 = 2.60 at 5%
    const flat = modelOf({ 0: 0.2, 5: 0.2, 10: 0.2, 15: 0.2, 20: 0.2, 25: 0.2 }, 1000, 20);
    const decision = decideDiscount({ ...caseAt40, price: 20, unitCost: 6, model: flat });
    expect(decision.percent).toBe(0);
    expect(decision.exploring).toBe(false);
    expect(decision.takeProbability).toBeCloseTo(0.2, 3);
    expect(decision.expectedMargin).toBeCloseTo(decision.takeProbability * 14, 10);
    expect(decision.explanation).toBe(
      "No discount: shoppers like this one take this offer an estimated 20.0% of the time without one, " +
        "for 2.80 expected margin per offer shown; the best discount, 5% off, would take 20.0% for 2.60. " +
        "Learned from 6,000 offers shown in this shop, 6,000 of them of this product.",
    );
  });

  it("gives a discount on an offer shoppers take only with one, at the level that earns most", () => {
    const decision = decideDiscount({ ...caseAt40, model: needsDiscount, shoppers: "returning shoppers" });
    expect(decision.percent).toBe(15);
    expect(decision.exploring).toBe(false);
    expect(decision.takeProbability).toBeCloseTo(0.17, 2);
    expect(decision.expectedMargin).toBeCloseTo(decision.takeProbability * 20, 10);
    expect(decision.explanation).toMatch(
      /^15% off: for returning shoppers, it lifts the estimated take rate from 1\.\d% to 17\.0%, so the expected margin per offer shown rises from 0\.\d\d to 3\.(39|40)\./,
    );
    expect(decision.explanation).toMatch(
      /Learned from 12,000 offers shown in this shop, 12,000 of them of this product\.$/,
    );
  });

  it("never offers a level above maxPercent", () => {
    expect(decideDiscount({ ...caseAt40, model: needsDiscount }).percent).toBe(15);
    expect(
      decideDiscount({ ...caseAt40, model: needsDiscount, settings: { ...settings, maxPercent: 10 } })
        .percent,
    ).toBe(10);
    const none = decideDiscount({
      ...caseAt40,
      model: needsDiscount,
      settings: { ...settings, maxPercent: 0 },
    });
    expect(none.percent).toBe(0);
    expect(none.explanation).toMatch(/^No discount: .* no discount level is allowed\./);
    // custom levels: 12% allowed, 40% over the cap of 30
    const custom = decideDiscount({
      ...caseAt40,
      model: modelOf({ 0: 0.01, 12: 0.3, 40: 0.9 }),
      settings: { ...settings, maxPercent: 30, levels: [12, 40] },
    });
    expect(custom.percent).toBe(12);
  });

  it("keeps the margin floor with the known cost, or the assumed cost percentage when unknown", () => {
    // known cost 14: 15% leaves 40 × 0.85 − 14 = 20, above the floor of 15% × 40 = 6
    expect(decideDiscount({ ...caseAt40, model: needsDiscount }).percent).toBe(15);
    // unknown: 80% of 40 = 32; 5% leaves 38 − 32 = 6, just the floor; 10% leaves 4
    for (const unitCost of [null, Number.NaN, -1]) {
      const assumed = decideDiscount({
        ...caseAt40,
        unitCost,
        model: needsDiscount,
        settings: { ...settings, assumedCostPercent: 80 },
      });
      expect(assumed.percent).toBe(5);
      expect(assumed.explanation).toContain(
        "10%, 15%, 20%, 25% not offered: they would leave less than the 15% margin floor.",
      );
    }
  });

  it("offers only discounts the month's budget still covers", () => {
    const at = (budgetLeft: number) => decideDiscount({ ...caseAt40, model: needsDiscount, budgetLeft });
    // 10% of 40 = 4.00 fits a budget of 4.50, 15% = 6.00 does not
    const tight = at(4.5);
    expect(tight.percent).toBe(10);
    expect(tight.explanation).toContain(
      "15%, 20%, 25% not offered: the discount budget left this month (4.50) does not cover them.",
    );
    expect(at(6).percent).toBe(15);
    expect(at(0).percent).toBe(0);
    expect(at(-10).percent).toBe(0);
    expect(at(Number.NaN).percent).toBe(0);
    expect(at(Number.POSITIVE_INFINITY).percent).toBe(15);
  });

  it("keeps every cap whatever the posterior draw", () => {
    // 120 offers shown: the draws vary widely, and uncapped they reach 20% and 25%
    const unsure = modelOf({ 0: 0.05, 10: 0.12, 20: 0.15 }, 40);
    const base = { ...caseAt40, model: unsure };
    const capped = [
      { input: { ...base, settings: { ...settings, maxPercent: 10 } }, most: 10 },
      { input: { ...base, unitCost: null, settings: { ...settings, assumedCostPercent: 80 } }, most: 5 },
      { input: { ...base, budgetLeft: 4.5 }, most: 10 },
    ];
    let above = 0;
    for (let seed = 0; seed < 300; seed++) {
      if (decideDiscount({ ...base, rng: createRng(seed) }).percent > 10) above++;
      for (const { input, most } of capped) {
        expect(decideDiscount({ ...input, rng: createRng(seed) }).percent).toBeLessThanOrEqual(most);
      }
    }
    expect(above).toBeGreaterThan(50);
  });

  it("keeps the caps, the margin floor and the budget for any settings, and never returns NaN", () => {
    const models = [
      needsDiscount,
      // little data: wide posteriors, so the draws vary
      modelOf({ 0: 0.05, 10: 0.12, 20: 0.15 }, 40),
      modelOf({ 0: 0.2, 25: 0.2 }, 60),
      fitDiscountModel([], { levels: LEVELS }),
    ];
    const rng = createRng(42);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rng() * items.length)]!;
    let discounted = 0;
    for (let i = 0; i < 3000; i++) {
      const price = pick([0.5, 9.99, 20, 40, 49.5, 120, 999, Number.NaN, 0, -3]);
      const unitCost = pick([null, 0, price * rng(), price * 1.2, Number.NaN, -1]);
      const config: DiscountSettings = {
        enabled: rng() < 0.9,
        maxPercent: pick([0, 10, 15, 25, 30, 120, -5, Number.NaN]),
        levels: pick([undefined, [0, 7, 13, 50], [3.5, 100, 150, -5, Number.NaN], []]),
        marginFloorPercent: pick([0, 10, 20, 50, 90]),
        assumedCostPercent: pick([0, 30, 60, 95]),
        defaultPercent: pick([0, 0, 5, 10, 35]),
      };
      const budgetLeft = pick([0, 1, 5, 50, 1e6, -10, Number.POSITIVE_INFINITY, Number.NaN]);
      const decision = decideDiscount({
        price,
        unitCost,
        settings: config,
        model: pick(models),
        offer: pick([offer, { id: "new", category: null }]),
        context: pick([context, { segment: null, discountHistory: "mostly" }]),
        budgetLeft,
        rng: createRng(i),
      });

      expect(Number.isFinite(decision.percent)).toBe(true);
      expect(Number.isFinite(decision.expectedMargin)).toBe(true);
      expect(decision.takeProbability).toBeGreaterThanOrEqual(0);
      expect(decision.takeProbability).toBeLessThanOrEqual(1);
      expect(decision.explanation.length).toBeGreaterThan(10);
      if (decision.percent === 0) continue;
      discounted++;
      expect(config.enabled).toBe(true);
      expect(decision.percent).toBeGreaterThan(0);
      expect(decision.percent).toBeLessThanOrEqual(config.maxPercent);
      const knownCost = unitCost !== null && Number.isFinite(unitCost) && unitCost >= 0;
      const cost = knownCost ? unitCost : (config.assumedCostPercent / 100) * price;
      const kept = price * (1 - decision.percent / 100) - cost;
      expect(kept).toBeGreaterThanOrEqual((config.marginFloorPercent / 100) * price - 1e-6);
      expect((price * decision.percent) / 100).toBeLessThanOrEqual(budgetLeft + 1e-6);
    }
    // the caps were tested on discounts actually given
    expect(discounted).toBeGreaterThan(100);
  });

  it("gives the default level while the shop has too few impressions, if the caps allow it", () => {
    // 99 offers shown in the shop, then 100: none taken without a discount, half at 20% off
    const shown = (atZero: number, atTwenty: number) =>
      fitDiscountModel(
        [
          { offer: { ...offer, price: 40 }, context, percent: 0, impressions: atZero, takes: 0 },
          { offer: { ...offer, price: 40 }, context, percent: 20, impressions: atTwenty, takes: 25 },
        ],
        { levels: LEVELS },
      );
    const few = shown(49, 50);
    const enough = shown(50, 50);
    expect([few.impressions, enough.impressions, MIN_IMPRESSIONS]).toEqual([99, 100, 100]);
    const base = { ...caseAt40, model: few, rng: createRng(1) };

    const atZero = decideDiscount(base);
    expect(atZero.percent).toBe(0);
    expect(atZero.explanation).toBe(
      "Learning: this shop's offers have been shown 99 of the 100 times needed, so it gets the default of no discount.",
    );
    const atTen = decideDiscount({ ...base, settings: { ...settings, defaultPercent: 10 } });
    expect(atTen).toMatchObject({ percent: 10, exploring: false });
    expect(atTen.explanation).toMatch(/so it gets the default of 10% off\.$/);
    // 40 × 0.9 − 14 = 22 kept per take
    expect(atTen.expectedMargin).toBeCloseTo(atTen.takeProbability * 22, 10);

    // over the cap, the margin floor or the budget: no discount
    const overCaps = [
      { ...base, settings: { ...settings, defaultPercent: 40 } },
      { ...base, settings: { ...settings, defaultPercent: 10, maxPercent: 5 } },
      { ...base, unitCost: 32, settings: { ...settings, defaultPercent: 10 } },
      { ...base, budgetLeft: 3.99, settings: { ...settings, defaultPercent: 10 } },
    ];
    for (const input of overCaps) {
      const decision = decideDiscount(input);
      expect(decision.percent).toBe(0);
      expect(decision.explanation).toMatch(
        /the default of 10% off is over the caps|the default of 40% off is over/,
      );
    }

    // from MIN_IMPRESSIONS on, the model decides
    const decided = decideDiscount({
      ...caseAt40,
      model: enough,
      settings: { ...settings, defaultPercent: 10 },
    });
    expect(decided.explanation).not.toMatch(/^Learning/);
    expect(decided.percent).toBe(20);
  });

  it("gives nothing when discounts are off, the settings are incomplete or the price is unusable", () => {
    const off = decideDiscount({
      ...caseAt40,
      model: needsDiscount,
      settings: { ...settings, enabled: false },
      rng: createRng(3),
    });
    expect(off).toMatchObject({
      percent: 0,
      exploring: false,
      explanation: "No discount: discounts are turned off.",
    });
    expect(off.takeProbability).toBeCloseTo(0.01, 2);

    const incomplete: Array<Partial<DiscountSettings>> = [
      { maxPercent: Number.NaN },
      { marginFloorPercent: Number.NaN },
      { assumedCostPercent: Number.POSITIVE_INFINITY },
      { defaultPercent: Number.NaN },
    ];
    for (const change of incomplete) {
      const decision = decideDiscount({
        ...caseAt40,
        model: needsDiscount,
        settings: { ...settings, ...change },
      });
      expect(decision).toMatchObject({
        percent: 0,
        explanation: "No discount: the discount settings are incomplete.",
      });
    }

    for (const price of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(decideDiscount({ ...caseAt40, price, model: needsDiscount })).toEqual({
        percent: 0,
        expectedMargin: 0,
        takeProbability: 0,
        exploring: false,
        explanation: "No discount: the offer has no price.",
      });
    }
  });

  it("explores only levels within EXPLORATION_COST of the best, and says when it does", () => {
    // 120 offers shown: 5% taken at 0%, 12% at 10%, 15% at 20%
    const unsure = modelOf({ 0: 0.05, 10: 0.12, 20: 0.15 }, 40);
    const input = { ...caseAt40, model: unsure, shoppers: "returning shoppers" };
    const best = decideDiscount(input);
    expect(best.exploring).toBe(false);
    const means = takeEstimator(unsure, { ...offer, price: 40 }, context);

    const decisions = Array.from({ length: 400 }, (_, seed) =>
      decideDiscount({ ...input, rng: createRng(seed) }),
    );
    for (const decision of decisions) {
      expect(decision.expectedMargin).toBeGreaterThanOrEqual(
        (1 - EXPLORATION_COST) * best.expectedMargin - 1e-9,
      );
      expect(decision.exploring).toBe(decision.percent !== best.percent);
      // the take probability reported is the posterior mean, not the draw that picked the level
      expect(decision.takeProbability).toBeCloseTo(means.takeProbabilities([decision.percent])[0]!, 12);
      if (decision.exploring) {
        expect(decision.explanation).toMatch(
          new RegExp(
            `^Trying ${decision.percent}% off to learn how returning shoppers respond to it; ` +
              `the best estimate so far is ${best.percent}% off \\(\\d+\\.\\d\\d expected margin per offer shown\\)\\.`,
          ),
        );
      }
    }
    const exploring = decisions.filter((d) => d.exploring).length;
    expect(exploring).toBeGreaterThan(20);
    expect(exploring).toBeLessThan(380);
    expect(new Set(decisions.map((d) => d.percent)).size).toBeGreaterThan(2);
    // a seed repeats its decision
    expect(decideDiscount({ ...input, rng: createRng(7) })).toEqual(decisions[7]);
  });

  it("names the shoppers it was given and what the estimate was learned from", () => {
    const flat = modelOf({ 0: 0.2, 5: 0.2, 10: 0.2, 15: 0.2, 20: 0.2, 25: 0.2 }, 1000, 20);
    const vip = decideDiscount({
      ...caseAt40,
      price: 20,
      unitCost: 6,
      model: flat,
      shoppers: "VIP shoppers",
    });
    expect(vip.explanation).toMatch(
      /^No discount: VIP shoppers take this offer an estimated 20\.0% of the time/,
    );
    const newOffer = decideDiscount({
      ...caseAt40,
      model: needsDiscount,
      offer: { id: "charger", category: "phone accessories" },
      shoppers: "returning shoppers",
    });
    expect(newOffer.explanation).toMatch(/^\d+% off: for returning shoppers, it lifts/);
    expect(newOffer.explanation).toMatch(
      /Learned from 12,000 offers shown in this shop, 0 of them of this product\.$/,
    );
  });
});
