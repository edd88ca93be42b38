import { type LongTailPolicy, type LongTailRun, regretAgainst, runLongTail } from "./long-tail-run";
import { longTailShop } from "./long-tail-shop";
import { table } from "./simulate-report";
import { REFIT_EVERY } from "./simulation-run";

/**
 * `npm run simulate -- --shop long-tail`: the discount policies on the long-tail shop, one run per
 * seed, against never discounting, always the largest allowed discount, an oracle that knows every
 * shopper's hidden kind, and a context oracle that knows the true take probabilities of what a server
 * can see (segment and discount history) and so bounds what any policy can earn from those features.
 */

export const LONG_TAIL_POLICIES: readonly LongTailPolicy[] = [
  "learned",
  "none",
  "max",
  "context oracle",
  "oracle",
];
const LABELS: Record<LongTailPolicy, string> = {
  learned: "learned discounts",
  none: "never discount",
  max: "largest allowed discount",
  "context oracle": "context oracle",
  oracle: "oracle (knows each shopper's kind)",
};

export interface LongTailSeedReport {
  seed: number;
  rounds: number;
  monthlyBudget: number;
  /** each run, with its cumulative regret against the oracle's run at each checkpoint */
  runs: Array<Omit<LongTailRun, "expected"> & { regret: number[] }>;
  /**
   * The learned policy's margin over the same shoppers with other explorations (policy seeds 0, 1, …),
   * as shares of the oracle's and of never discounting's; one entry each
   */
  explorations: Array<{ ofOracle: number; vsNever: number }>;
}

export function runLongTailSimulation(options: {
  seeds: readonly number[];
  rounds: number;
  budgetPer1000: number;
  checkpoints?: number;
  /** how many explorations of the learned policy to run (policy seeds 0 to n − 1); default 1 */
  explorations?: number;
}): LongTailSeedReport[] {
  const checkpoints = options.checkpoints ?? 10;
  const explorations = Math.max(1, options.explorations ?? 1);
  return options.seeds.map((seed) => {
    const shop = longTailShop(seed, options.budgetPer1000);
    const full = LONG_TAIL_POLICIES.map((policy) =>
      runLongTail(shop, policy, { seed, rounds: options.rounds }),
    );
    const oracle = full.find((run) => run.policy === "oracle")!;
    const runs = full.map(({ expected: _expected, ...run }, i) => {
      const cumulative = regretAgainst(oracle, full[i]!);
      const regret = Array.from(
        { length: checkpoints },
        (_, c) => cumulative[Math.round(((c + 1) * options.rounds) / checkpoints) - 1]!,
      );
      return { ...run, regret };
    });
    const none = full.find((run) => run.policy === "none")!;
    const learned = [
      full.find((run) => run.policy === "learned")!,
      ...Array.from({ length: explorations - 1 }, (_, i) =>
        runLongTail(shop, "learned", { seed, rounds: options.rounds, policySeed: i + 1 }),
      ),
    ];
    return {
      seed,
      rounds: options.rounds,
      monthlyBudget: shop.monthlyBudget,
      runs,
      explorations: learned.map((run) => ({
        ofOracle: run.margin / oracle.margin,
        vsNever: run.margin / none.margin - 1,
      })),
    };
  });
}

const money = (value: number) =>
  value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const share = (value: number) => `${(value * 100).toFixed(1)}%`;
const signed = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%`;

export function formatLongTailReport(reports: readonly LongTailSeedReport[]): string {
  const out: string[] = [];
  for (const report of reports) {
    const per1000 = (run: { margin: number }) => (run.margin / report.rounds) * 1000;
    const byPolicy = new Map(report.runs.map((run) => [run.policy, run]));
    const oracle = byPolicy.get("oracle")!;
    const context = byPolicy.get("context oracle")!;
    const none = byPolicy.get("none")!;
    const learned = byPolicy.get("learned")!;
    out.push(
      `Long-tail shop, seed ${report.seed}, ${report.rounds.toLocaleString("en-US")} checkouts, ` +
        `discount budget ${money(report.monthlyBudget)} a month (10,000 checkouts).`,
      "",
      table(
        [
          "policy",
          "margin per 1,000",
          "of oracle",
          "of context oracle",
          "vs never",
          "discounts per 1,000",
          "largest month",
        ],
        report.runs.map((run) => [
          LABELS[run.policy],
          money(per1000(run)),
          share(run.margin / oracle.margin),
          share(run.margin / context.margin),
          signed(run.margin / none.margin - 1),
          money((run.discount / report.rounds) * 1000),
          `${money(run.largestMonth)}${run.largestMonth > report.monthlyBudget + 1e-6 ? " OVER" : ""}`,
        ]),
      ),
      "",
      "Per shopper kind (hidden from the policies): share of checkouts offered a discount, and discount",
      "given per 1,000 checkouts on takes that would have happened without it:",
      table(
        [
          "kind",
          "checkouts",
          "learned: discounted",
          "wasted",
          "context oracle: discounted",
          "wasted",
          "oracle: discounted",
        ],
        learned.kinds.map((kind, i) => [
          kind.kind,
          kind.checkouts.toLocaleString("en-US"),
          share(kind.discountedShare),
          money(kind.wastedPer1000),
          share(context.kinds[i]!.discountedShare),
          money(context.kinds[i]!.wastedPer1000),
          share(oracle.kinds[i]!.discountedShare),
        ]),
      ),
      "",
      "Cumulative regret (expected margin lost against the oracle):",
      table(
        ["checkouts", ...report.runs.filter((r) => r.policy !== "oracle").map((r) => LABELS[r.policy])],
        learned.regret.map((_, i) => [
          Math.round(((i + 1) * report.rounds) / learned.regret.length).toLocaleString("en-US"),
          ...report.runs.filter((r) => r.policy !== "oracle").map((r) => money(r.regret[i]!)),
        ]),
      ),
      "",
      ...explorationLines(report),
      `Time per discount decision: median ${learned.decisionMs!.median.toFixed(3)} ms, 99th percentile ` +
        `${learned.decisionMs!.p99.toFixed(3)} ms; refitting the model every ${REFIT_EVERY} checkouts: median ` +
        `${learned.fitMs!.median.toFixed(1)} ms, longest ${learned.fitMs!.max.toFixed(1)} ms.`,
      "",
    );
  }
  return out.join("\n");
}

/** The learned policy's spread over explorations, when more than one ran. */
function explorationLines({ explorations }: LongTailSeedReport): string[] {
  if (explorations.length < 2) return [];
  const range = (values: number[], format: (value: number) => string) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    const median =
      sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
    return `median ${format(median)} (${format(sorted[0]!)} to ${format(sorted.at(-1)!)})`;
  };
  return [
    `Learned discounts over ${explorations.length} explorations (the same shoppers, the policy's own dice ` +
      `differing): ${range(
        explorations.map((e) => e.ofOracle),
        share,
      )} of the oracle, ${range(
        explorations.map((e) => e.vsNever),
        signed,
      )} vs never discounting.`,
    "",
  ];
}
