import { describe, expect, it } from "vitest";
import { LONG_TAIL_POLICIES } from "./long-tail-report";
import { type LongTailPolicy, type LongTailRun, regretAgainst, runLongTail } from "./long-tail-run";
import { longTailShop } from "./long-tail-shop";
import { main } from "./simulate";

// One seed of 6,000 checkouts: less than a month, with a budget of 60 per 1,000 checkouts (600 a month)
// that the largest allowed discount spends well before the month ends.
const config = { seed: 1, rounds: 6000 };
const shop = longTailShop(config.seed);
const runs = new Map<LongTailPolicy, LongTailRun>(
  LONG_TAIL_POLICIES.map((policy) => [policy, runLongTail(shop, policy, config)]),
);
const run = (policy: LongTailPolicy) => runs.get(policy)!;

describe("runLongTail", () => {
  it("shows every policy the same shoppers", () => {
    const checkouts = (policy: LongTailPolicy) => run(policy).kinds.map((kind) => kind.checkouts);
    for (const policy of LONG_TAIL_POLICIES) {
      expect(checkouts(policy)).toEqual(checkouts("none"));
    }
    expect(checkouts("none").reduce((a, b) => a + b, 0)).toBe(config.rounds);
    // never discounting, alone on a fresh shop, takes exactly what it took after the other policies
    const alone = runLongTail(longTailShop(config.seed), "none", config);
    expect(alone.takes).toBe(run("none").takes);
    expect(alone.margin).toBe(run("none").margin);
  });

  it("never spends more than the monthly budget in a month", () => {
    expect(shop.monthlyBudget).toBe(600);
    for (const policy of LONG_TAIL_POLICIES) {
      expect(run(policy).largestMonth).toBeLessThanOrEqual(shop.monthlyBudget + 1e-9);
    }
    // the budget binds: the largest allowed discount would spend more
    expect(run("max").largestMonth).toBeGreaterThan(0.95 * shop.monthlyBudget);
    expect(run("none").discount).toBe(0);
  });

  it("has an oracle that never discounts shoppers a discount does not move", () => {
    const oracle = run("oracle").kinds;
    expect(oracle.find((kind) => kind.kind === "indifferent")!.discountedShare).toBe(0);
    expect(oracle.find((kind) => kind.kind === "price-sensitive")!.discountedShare).toBeGreaterThan(0);
    expect(regretAgainst(run("oracle"), run("oracle")).at(-1)).toBe(0);
  });

  it("has a context oracle between never discounting and the oracle", () => {
    // with the budget binding, and with a budget no month reaches (where it is the best any policy
    // seeing only segment and discount history can do, in expectation)
    const unbudgeted = longTailShop(config.seed, 1e6);
    const free = new Map(
      (["none", "max", "context oracle", "oracle"] as const).map((policy) => [
        policy,
        runLongTail(unbudgeted, policy, config),
      ]),
    );
    for (const runOf of [run, (policy: LongTailPolicy) => free.get(policy as "none")!]) {
      const margin = (policy: LongTailPolicy) => runOf(policy).margin;
      expect(margin("context oracle")).toBeGreaterThanOrEqual(margin("none"));
      expect(margin("context oracle")).toBeLessThanOrEqual(margin("oracle"));
      // the context hints at the kind: price-sensitive shoppers get discounts far more often
      const share = (kind: string) =>
        runOf("context oracle").kinds.find((k) => k.kind === kind)!.discountedShare;
      expect(share("price-sensitive")).toBeGreaterThan(1.5 * share("indifferent"));
    }
    const regret = (policy: "none" | "max" | "context oracle") =>
      regretAgainst(free.get("oracle")!, free.get(policy)!).at(-1)!;
    expect(free.get("context oracle")!.margin).toBeGreaterThan(free.get("max")!.margin);
    expect(regret("context oracle")).toBeGreaterThan(0);
    expect(regret("context oracle")).toBeLessThan(Math.min(regret("none"), regret("max")));
  });
});

describe("simulate --shop long-tail", () => {
  it("prints the policy, shopper kind and regret tables", () => {
    let text = "";
    main(["--shop", "long-tail", "--seeds", "1", "--rounds", "3000"], (chunk) => {
      text += chunk;
    });
    expect(text).toContain(
      "Long-tail shop, seed 1, 3,000 checkouts, discount budget 3,000.00 a month (10,000 checkouts).",
    );
    expect(text).toMatch(/^policy\s+margin per 1,000\s+of oracle\s+of context oracle\s+vs never/m);
    for (const label of [
      "learned discounts",
      "never discount",
      "largest allowed discount",
      "context oracle",
    ]) {
      expect(text).toMatch(new RegExp(`^${label}\\s+[\\d,.]+\\s+[\\d.]+%`, "m"));
    }
    expect(text).toMatch(/^oracle \(knows each shopper's kind\)\s+[\d,.]+\s+100\.0%/m);
    expect(text).toMatch(/^never discount\s+[\d,.]+\s+[\d.]+%\s+[\d.]+%\s+\+0\.0%\s+0\.00\s+0\.00$/m);
    for (const kind of ["indifferent", "price-sensitive", "saturating", "deterred"]) {
      expect(text).toMatch(new RegExp(`^${kind}\\s+[\\d,]+\\s+[\\d.]+%`, "m"));
    }
    expect(text).toContain("Cumulative regret (expected margin lost against the oracle):");
    expect(text).toMatch(/^3,000\s+[\d,.]+/m);
    expect(text).toMatch(/^Time per discount decision: median \d+\.\d{3} ms/m);
    expect(text).not.toContain("OVER");
    expect(text).not.toContain("NaN");
  });

  it("rejects seeds that are not whole numbers", () => {
    const out = () => {};
    expect(() => main(["--shop", "long-tail", "--seeds", "x"], out)).toThrow(
      /^bad argument --seeds x\nusage: simulate/,
    );
    expect(() => main(["--shop", "long-tail", "--seeds", "1,2.5"], out)).toThrow(
      /bad argument --seeds 1,2\.5/,
    );
    expect(() => main(["--shop", "long-tail", "--seeds"], out)).toThrow(/--seeds needs a value/);
  });
});
