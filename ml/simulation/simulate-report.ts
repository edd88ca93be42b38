import type { SimulationReport } from "./simulate";

/** Plain-text tables of a simulation report. */

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  // First column left-aligned (names), the rest right-aligned (numbers).
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const money = (value: number) =>
  value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = (value: number) => value.toLocaleString("en-US");
const off = (percent: number) => (percent === 0 ? "no discount" : `${percent}% off`);
const share = (value: number) => `${(value * 100).toFixed(1)}%`;

export function formatSimulationReport(report: SimulationReport): string {
  const budget =
    report.budgetPer1000 === null
      ? "no discount budget"
      : `discount budget ${money(report.budgetPer1000)} per 1,000 checkouts`;
  const oracle = report.policies.find((p) => p.policy === "oracle")!;
  const margins = table(
    [
      "policy",
      "margin",
      "per 1,000 checkouts",
      "of oracle",
      "discounts per 1,000",
      "take rate",
      "best product, last 20%",
    ],
    report.policies.map((p) => [
      p.policy,
      money(p.margin),
      money(p.marginPer1000),
      share(p.margin / oracle.margin),
      money(p.discountPer1000),
      share(p.takeRate),
      share(p.bestProductShareLate),
    ]),
  );
  const regret = table(
    ["checkouts", "learned discounts", "no discount", "largest allowed discount"],
    report.regret.map((r) => [count(r.round), money(r.policy), money(r.noDiscount), money(r.maxDiscount)]),
  );
  const segments = table(
    ["segment", "best offer", "expected margin", "learned: shows it, last 20%", "mostly at"],
    report.segments.map((s) => [
      s.segment,
      `${s.bestProduct}, ${off(s.bestPercent)}`,
      money(s.bestExpectedMargin),
      share(s.lateShare),
      off(s.latePercent),
    ]),
  );
  return [
    `Simulated shop, seed ${report.seed}, ${count(report.rounds)} checkouts, ${budget}.`,
    "",
    "Margin earned (every policy meets the same shoppers):",
    margins,
    "",
    "Cumulative regret: expected margin lost against the oracle:",
    regret,
    "",
    "Per segment:",
    segments,
    "",
  ].join("\n");
}
