import { describe, expect, it } from "vitest";
import {
  type DiscountModel,
  type DiscountOutcome,
  fitDiscountModel,
  type ShopperContext,
  takeEstimator,
} from "./discount-model";

const LEVELS = [0, 5, 10, 15, 20, 25];
const PRODUCTS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"];
const returning: ShopperContext = { segment: "returning", discountHistory: null };
const vip: ShopperContext = { segment: "vip", discountHistory: null };

/** One aggregated outcome: `impressions` offers of `id` at `percent` off, taken at `rate`. */
function cell(
  id: string,
  price: number,
  context: ShopperContext,
  percent: number,
  impressions: number,
  rate: number,
): DiscountOutcome {
  return {
    offer: { id, category: "mugs", price },
    context,
    percent,
    impressions,
    takes: Math.round(rate * impressions),
  };
}

/**
 * Products A..J priced 20 to 56: 5% of shoppers take each without a discount; 15% off triples that
 * for returning shoppers and changes nothing for VIPs.
 */
function mugShop(impressions: number): DiscountOutcome[] {
  return PRODUCTS.flatMap((id, i) => {
    const price = 20 + 4 * i;
    return [
      cell(id, price, returning, 0, impressions, 0.05),
      cell(id, price, returning, 15, impressions, 0.15),
      cell(id, price, vip, 0, impressions, 0.05),
      cell(id, price, vip, 15, impressions, 0.05),
    ];
  });
}

function takes(
  model: DiscountModel,
  id: string,
  context: ShopperContext,
  percents: readonly number[] = [0, 15],
) {
  return takeEstimator(model, { id, category: "mugs", price: 36 }, context).takeProbabilities(percents);
}

describe("fitDiscountModel", () => {
  const shop = fitDiscountModel(mugShop(200), { levels: LEVELS });

  it("lends a product with no data the discount response learned from the shop's other products", () => {
    const [returningAt0, returningAt15] = takes(shop, "K", returning) as [number, number];
    const [vipAt0, vipAt15] = takes(shop, "K", vip) as [number, number];
    expect(takeEstimator(shop, { id: "K", category: "mugs", price: 36 }, vip).offerImpressions).toBe(0);
    // the products' own response is threefold for returning shoppers, none for VIPs
    expect(returningAt15).toBeGreaterThan(2 * returningAt0);
    expect(vipAt15).toBeLessThan(1.15 * vipAt0);
    expect(vipAt15).toBeGreaterThan(0.85 * vipAt0);
  });

  it("lets an offer's own data override the shared response when it has plenty", () => {
    // L: returning shoppers take it 5% of the time with or without 15% off, over 4,000 offers
    const own = [cell("L", 36, returning, 0, 2000, 0.05), cell("L", 36, returning, 15, 2000, 0.05)];
    const model = fitDiscountModel([...mugShop(200), ...own], { levels: LEVELS });
    const [at0, at15] = takes(model, "L", returning) as [number, number];
    expect(at0).toBeCloseTo(0.05, 2);
    expect(at15).toBeLessThan(1.15 * at0);
    // a product without data of its own still gets the shop's response
    const [newAt0, newAt15] = takes(model, "K", returning) as [number, number];
    expect(newAt15).toBeGreaterThan(1.8 * newAt0);
  });

  it("shrinks an offer with little data toward the shop's take rate", () => {
    const lucky = cell("lucky", 36, returning, 0, 3, 1);
    expect(lucky.takes).toBe(3);
    const model = fitDiscountModel([...mugShop(200), lucky], { levels: LEVELS });
    const [estimate] = takes(model, "lucky", returning, [0]) as [number];
    // 3 of 3 taken, in a shop where 5% of offers are: far below 100%, yet above the shop's 5%
    expect(estimate).toBeLessThan(0.4);
    expect(estimate).toBeGreaterThan(0.06);
  });

  it("lets a deeper discount lower the take rate when the data say so", () => {
    // 10% off lifts 10% to 15%; 20% off puts shoppers off: 8%
    const outcomes = [
      cell("A", 40, returning, 0, 2000, 0.1),
      cell("A", 40, returning, 10, 2000, 0.15),
      cell("A", 40, returning, 20, 2000, 0.08),
    ];
    const model = fitDiscountModel(outcomes, { levels: LEVELS });
    const [at0, at10, at20] = takes(model, "A", returning, [0, 10, 20]) as [number, number, number];
    expect(at0).toBeCloseTo(0.1, 2);
    expect(at10).toBeCloseTo(0.15, 2);
    expect(at20).toBeCloseTo(0.08, 2);
    expect(at20).toBeLessThan(at0);
  });

  it("reaches a long cold fit's estimates by warm starts as the data grow", () => {
    const estimates = (model: DiscountModel) =>
      ["A", "E", "J", "K"].flatMap((id) => [...takes(model, id, returning), ...takes(model, id, vip)]);
    let model: DiscountModel | null = null;
    for (let impressions = 20; impressions <= 200; impressions += 20) {
      model = fitDiscountModel(mugShop(impressions), { levels: LEVELS, previous: model });
    }
    const cold = fitDiscountModel(mugShop(200), { levels: LEVELS, passes: 3000 });
    const warm = estimates(model!);
    estimates(cold).forEach((estimate, i) => {
      expect(Math.abs(warm[i]! - estimate)).toBeLessThan(0.01);
    });
  });

  it("ignores outcomes that cannot be counted", () => {
    const clean = mugShop(200);
    const base = clean[0]!;
    const broken: DiscountOutcome[] = [
      { ...base, impressions: Number.NaN },
      { ...base, impressions: -50, takes: 0 },
      { ...base, impressions: 0, takes: 0 },
      { ...base, takes: Number.NaN },
      { ...base, takes: -1 },
      { ...base, percent: Number.NaN },
      { ...base, percent: 150 },
      { ...base, offer: { ...base.offer, id: "free", price: 0 } },
      { ...base, offer: { ...base.offer, id: "unpriced", price: Number.NaN } },
    ];
    const model = fitDiscountModel([...broken, ...clean], { levels: LEVELS });
    const reference = fitDiscountModel(clean, { levels: LEVELS });
    expect(model.impressions).toBe(8000);
    expect(model.takes).toBe(reference.takes);
    expect([...model.index.keys()]).toEqual([...reference.index.keys()]);
    expect(takes(model, "A", returning)).toEqual(takes(reference, "A", returning));
  });

  it("ignores a row with more takes than impressions, which no honest count has", () => {
    const clean = mugShop(200);
    const reference = fitDiscountModel(clean, { levels: LEVELS });
    const overfull = cell("overfull", 36, returning, 0, 5, 1.8);
    expect(overfull.takes).toBe(9);
    const model = fitDiscountModel([overfull, ...clean], { levels: LEVELS });
    expect(model.takes).toBe(reference.takes);
    expect(model.impressions).toBe(reference.impressions);
    expect(model.index.has("o:overfull")).toBe(false);
  });

  it("learns a wider spread of offer effects when offers really differ", () => {
    const offers = Array.from({ length: 20 }, (_, i) => `offer-${i}`);
    const fitOffers = (rate: (i: number) => number) =>
      fitDiscountModel(
        offers.map((id, i) => cell(id, 30, returning, 0, 400, rate(i))),
        { levels: LEVELS },
      );
    const identical = fitOffers(() => 0.1);
    // take rates from 1% to 30%
    const different = fitOffers((i) => 0.01 + (0.29 * i) / 19);
    expect(different.spread.offer).toBeGreaterThan(identical.spread.offer + 0.2);
    // identical offers move the spread down from its starting 0.8
    expect(identical.spread.offer).toBeLessThan(0.8);
  });
});

describe("term keys", () => {
  it("reads a product type with separators in it as a product type", () => {
    const rows = (category: string) =>
      [0, 10].map((percent) => ({
        offer: { id: "mug", category, price: 20 },
        context: { segment: "returning", discountHistory: null },
        percent,
        impressions: 400,
        takes: percent === 0 ? 20 : 60,
      }));
    const estimate = (category: string) =>
      takeEstimator(
        fitDiscountModel(rows(category), { levels: [0, 10] }),
        { id: "cup", category, price: 20 },
        {
          segment: "returning",
          discountHistory: null,
        },
      ).takeProbabilities([0, 10]);
    const plain = estimate("MenShoes");
    const separated = estimate("Men | s:Shoes/x");
    separated.forEach((p, i) => {
      expect(p).toBeCloseTo(plain[i]!, 9);
    });
  });
});
