import { describe, expect, it } from "vitest";
import { main, runSimulation } from "./simulate";
import { simulatedShop } from "./simulated-shop";
import { oracleBest } from "./simulation-run";

const report = runSimulation({ seed: 3, rounds: 50_000 });
const margin = (policy: string) => report.policies.find((p) => p.policy === policy)!.marginPer1000;

describe("the simulated shop", () => {
  it("has the best offers worked out by hand", () => {
    const shop = simulatedShop();
    const bests = shop.segments.map((segment) => {
      const best = oracleBest(shop, segment);
      return [segment.candidates[best.candidate]!.product, best.percent, Number(best.value.toFixed(4))];
    });
    // case: 0.17 × (40 × 0.85 − 14); mouse: 0.25 × (30 − 10); case: 0.095 × (40 × 0.85 − 14)
    expect(bests).toEqual([
      ["case", 15, 3.4],
      ["mouse", 0, 5],
      ["case", 15, 1.9],
    ]);
  });
});

describe("runSimulation", () => {
  it("earns more margin with learned discounts than with none or with the largest allowed", () => {
    expect(margin("learned discounts")).toBeGreaterThan(margin("no discount") * 1.05);
    expect(margin("learned discounts")).toBeGreaterThan(margin("largest allowed discount") * 1.1);
    expect(margin("oracle")).toBeGreaterThan(margin("learned discounts"));
  });

  it("converges to each segment's best offer, with a discount only where one pays", () => {
    for (const segment of report.segments) expect(segment.lateShare).toBeGreaterThan(0.8);
    const [phones, laptops, newcomers] = report.segments;
    expect(laptops!.latePercent).toBe(0); // the mouse is taken anyway
    expect(phones!.latePercent).toBeGreaterThan(0); // the case sells only with a discount
    expect(newcomers!.latePercent).toBeGreaterThan(0);
  });

  it("has regret that grows sublinearly, unlike the fixed-discount baselines", () => {
    const at = (round: number) => report.regret.find((r) => r.round === round)!;
    const [half, end] = [at(25_000), at(50_000)];
    // Over the second half the learned policy loses under a third of what never discounting loses.
    expect(end.policy - half.policy).toBeLessThan((end.noDiscount - half.noDiscount) / 3);
    expect(end.noDiscount - half.noDiscount).toBeGreaterThan(0.8 * half.noDiscount);
    expect(end.maxDiscount - half.maxDiscount).toBeGreaterThan(0.8 * half.maxDiscount);
    expect(report.regret.map((r) => r.round)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 5000));
  });

  it("repeats itself for a seed", () => {
    const small = { seed: 11, rounds: 3000 };
    expect(runSimulation(small)).toEqual(runSimulation(small));
    expect(runSimulation({ seed: 12, rounds: 3000 })).not.toEqual(runSimulation(small));
  });

  it("keeps each month's discounts within the budget", () => {
    // 200 per 1,000 checkouts: 2,000 per 10,000-checkout month, far below the largest discount's spend
    const budgeted = runSimulation({ seed: 3, rounds: 20_000, budgetPer1000: 200 });
    for (const policy of budgeted.policies.filter((p) => p.policy !== "oracle")) {
      expect(policy.discountPer1000).toBeLessThanOrEqual(200);
    }
    expect(
      budgeted.policies.find((p) => p.policy === "largest allowed discount")!.discountPer1000,
    ).toBeGreaterThan(150);
  });
});

describe("the simulate command", () => {
  it("prints the margin, regret and segment tables, or the report as JSON", () => {
    let text = "";
    main(["--seed", "5", "--rounds", "2000"], (chunk) => {
      text += chunk;
    });
    expect(text).toContain("Simulated shop, seed 5, 2,000 checkouts, no discount budget.");
    expect(text).toMatch(/learned discounts\s+[\d,.]+\s+[\d,.]+/);
    expect(text).toContain("Cumulative regret");
    let json = "";
    main(["--rounds", "2000", "--json", "-"], (chunk) => {
      json += chunk;
    });
    expect(JSON.parse(json)).toMatchObject({ seed: 7, rounds: 2000, budgetPer1000: null });
    expect(() => main(["--rounds", "five"])).toThrow(/bad argument --rounds five/);
  });

  it("runs the learned policy over several explorations of the long-tail shop and gives their spread", () => {
    const argv = ["--shop", "long-tail", "--seeds", "2", "--rounds", "3000", "--explorations", "3"];
    let json = "";
    main([...argv, "--json", "-"], (chunk) => {
      json += chunk;
    });
    const [report] = JSON.parse(json);
    // The first is the learned run of the main table; the others differ only by the policy's dice.
    expect(report.explorations).toHaveLength(3);
    const learned = report.runs.find((run: { policy: string }) => run.policy === "learned");
    const oracle = report.runs.find((run: { policy: string }) => run.policy === "oracle");
    expect(report.explorations[0].ofOracle).toBeCloseTo(learned.margin / oracle.margin, 10);
    expect(new Set(report.explorations.map((e: { ofOracle: number }) => e.ofOracle)).size).toBe(3);
    let text = "";
    main(argv, (chunk) => {
      text += chunk;
    });
    expect(text).toMatch(
      /Learned discounts over 3 explorations .*: median \d+\.\d% \(\d+\.\d% to \d+\.\d%\) of the oracle/,
    );
    expect(() => main(["--explorations", "2"])).toThrow(/--explorations is for the long-tail shop/);
  });
});
