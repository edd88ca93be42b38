import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { Estimate } from "~/lib/arm-estimates";
import { discountMarginCounts, discountMarginSentence, marginCostNote } from "~/lib/discount-margin-text";
import type { ArmReport } from "~/services/experiment-report.server";
import { EmptyCard } from "./empty-card";

export interface ExperimentView {
  experimentId: string | null;
  horizonPerArm: number | null;
  arms: ArmReport[];
}

const count = new Intl.NumberFormat("en");
const rate = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const points = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value * 100).toFixed(1)}`;
const VERDICT_BADGE = {
  collecting: { tone: "info", text: "Collecting" },
  better: { tone: "success", text: "Better" },
  worse: { tone: "critical", text: "Worse" },
  "no difference": { tone: undefined, text: "No difference" },
} as const;

/** Each experiment arm against the holdout: conversion, revenue and discount cost per checkout, with 95% intervals. */
export function ExperimentCard({
  report,
  money,
  settingsUrl,
}: {
  report: ExperimentView;
  money: (value: number) => string;
  settingsUrl: string;
}) {
  const exposed = report.arms.reduce((sum, arm) => sum + arm.checkouts, 0);
  if (exposed === 0) {
    return (
      <Card>
        <EmptyCard
          heading="No checkouts in the experiment yet"
          action={{ content: "Set up the experiment", url: settingsUrl }}
        >
          Each checkout is put in a variant or in the holdout, which is shown no offers. Once shoppers reach
          checkout in these days, this card compares every variant with the holdout.
        </EmptyCard>
      </Card>
    );
  }
  const signedMoney = (value: number) => `${value >= 0 ? "+" : "−"}${money(Math.abs(value))}`;
  const lift = (estimate: Estimate | null) =>
    estimate
      ? `${points(estimate.difference)} pts (${points(estimate.interval[0])} to ${points(estimate.interval[1])})`
      : "–";
  const incremental = (estimate: Estimate | null) =>
    estimate
      ? `${signedMoney(estimate.difference)} (${signedMoney(estimate.interval[0])} to ${signedMoney(estimate.interval[1])})`
      : "–";
  const unlinked = report.arms.reduce((sum, arm) => sum + arm.unlinked, 0);
  const discounting = report.arms.flatMap(({ variant, discountMargin }) =>
    discountMargin ? [{ variant, margin: discountMargin }] : [],
  );
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <div style={{ padding: "var(--p-space-400) var(--p-space-400) 0" }}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Experiment
            </Text>
            <Text as="p" tone="subdued">
              Every variant against the holdout, with 95% intervals.{" "}
              {report.horizonPerArm === null
                ? "The planned size is set once the holdout has completed checkouts."
                : `The verdict is read at ${count.format(report.horizonPerArm)} logged-in checkouts per arm, sized to detect a 10% change in conversion.`}
            </Text>
          </BlockStack>
        </div>
        <DataTable
          columnContentTypes={[
            "text",
            "numeric",
            "numeric",
            "numeric",
            "numeric",
            "numeric",
            "numeric",
            "text",
            "numeric",
          ]}
          headings={[
            "Arm",
            "Checkouts",
            "Conversion",
            "vs holdout",
            "Revenue / checkout",
            "Discount cost",
            "Net gain / checkout",
            "Verdict",
            "Left to horizon",
          ]}
          rows={report.arms.map((arm) => [
            arm.holdout ? (
              "Holdout (no offers)"
            ) : (
              <InlineStack gap="100" key={arm.variant}>
                <span>{arm.variant}</span>
                {arm.paused ? <Badge tone="warning">Paused</Badge> : null}
              </InlineStack>
            ),
            count.format(arm.checkouts),
            rate(arm.conversionRate),
            lift(arm.conversionLift),
            arm.revenuePerCheckout === null ? "–" : money(arm.revenuePerCheckout),
            money(arm.discountCost),
            incremental(arm.netIncrementalPerCheckout),
            arm.verdict ? (
              <Badge tone={VERDICT_BADGE[arm.verdict.status].tone} key={`${arm.variant}-verdict`}>
                {VERDICT_BADGE[arm.verdict.status].text}
              </Badge>
            ) : (
              "–"
            ),
            arm.remainingToHorizon === null ? "–" : count.format(arm.remainingToHorizon),
          ])}
          footerContent={
            unlinked > 0
              ? `${count.format(unlinked)} guest checkouts cannot be followed to an order: they count as checkouts but not in the rates, which are of logged-in buyers.`
              : undefined
          }
        />
        {discounting.length > 0 ? (
          <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                What discounts add
              </Text>
              <Text as="p" tone="subdued">
                A tenth of the shoppers of each variant with discounts are offered no discount: their margin
                per shopper from offers, against the others&apos;, is what the discounts add.
              </Text>
              {discounting.map((arm) => (
                <BlockStack gap="050" key={`${arm.variant}-margin`}>
                  <Text as="p">
                    {discounting.length > 1 ? (
                      <Text as="span" fontWeight="semibold">{`${arm.variant}: `}</Text>
                    ) : null}
                    {discountMarginSentence(arm.margin, money)}
                  </Text>
                  <Text as="p" tone="subdued">
                    {discountMarginCounts(arm.margin, money)}
                  </Text>
                </BlockStack>
              ))}
              <Text as="p" tone="subdued">
                {marginCostNote(discounting.map((arm) => arm.margin))}
              </Text>
            </BlockStack>
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}
