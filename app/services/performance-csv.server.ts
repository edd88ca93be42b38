import type { Db } from "~/db.server";
import { type CsvCell, toCsv } from "~/lib/csv";
import type { ReportWindow } from "~/lib/report-window";
import { experimentReport } from "./experiment-report.server";
import { offerPerformance } from "./offer-performance.server";

export const PERFORMANCE_CSV_KINDS = ["days", "products", "experiment"] as const;
export type PerformanceCsvKind = (typeof PERFORMANCE_CSV_KINDS)[number];

/** Decimals of a rate (a share such as a take rate): 0.1561, enough for a spreadsheet's percent. */
const RATE_DECIMALS = 4;

/**
 * What a column holds decides how its numbers are written, here and only here: rates to
 * RATE_DECIMALS, money to cents, counts and text as they are.
 */
type ColumnKind = "text" | "count" | "rate" | "money";
type Value = string | number | null | undefined;
type Column<Row> = [name: string, kind: ColumnKind, value: (row: Row) => Value];

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // Number.EPSILON keeps 1.005 from rounding down to 1.00 through its binary form.
  return Math.round((value + Math.sign(value) * Number.EPSILON) * factor) / factor;
}

function formatCell(kind: ColumnKind, value: Value): CsvCell {
  if (value === null || value === undefined) return null;
  if (kind === "text" || kind === "count") return value;
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number)) return null;
  return kind === "rate" ? round(number, RATE_DECIMALS) : round(number, 2).toFixed(2);
}

function csvOf<Row>(columns: Column<Row>[], rows: Row[]): string {
  return toCsv(
    columns.map(([name]) => name),
    rows.map((row) => columns.map(([, kind, value]) => formatCell(kind, value(row)))),
  );
}

/**
 * The performance page's figures as CSV: one row per day (days), per offered product, model version
 * and surface (products) or per experiment arm (experiment: the current one, or `experimentId`).
 */
export async function performanceCsv(
  database: Db,
  {
    shopDomain,
    kind,
    window,
    experimentId,
  }: { shopDomain: string; kind: PerformanceCsvKind; window: ReportWindow; experimentId?: string },
): Promise<{ filename: string; body: string }> {
  const range = `${window.days[0]}-to-${window.days[window.days.length - 1]}`;
  const { days, rows, currency } = await offerPerformance(database, { shopDomain, window });
  if (kind === "days") {
    const body = csvOf(
      [
        ["date", "text", (d) => d.day],
        ["impressions", "count", (d) => d.impressions],
        ["clicks", "count", (d) => d.clicks],
        ["adds", "count", (d) => d.adds],
        ["purchases", "count", (d) => d.purchases],
        ["take_rate", "rate", (d) => d.takeRate],
        ["revenue", "money", (d) => d.revenue],
        ["discount_cost", "money", (d) => d.discountCost],
        ["currency", "text", () => currency],
      ],
      days,
    );
    return { filename: `offers-days-${range}.csv`, body };
  }
  if (kind === "products") {
    const body = csvOf(
      [
        ["product_id", "text", (r) => r.productId],
        ["title", "text", (r) => r.title],
        ["model_version", "count", (r) => r.modelVersion],
        ["surface", "text", (r) => r.surface],
        ["impressions", "count", (r) => r.impressions],
        ["clicks", "count", (r) => r.clicks],
        ["adds", "count", (r) => r.adds],
        ["removes", "count", (r) => r.removes],
        ["purchases", "count", (r) => r.purchases],
        ["click_rate", "rate", (r) => r.clickRate],
        ["take_rate", "rate", (r) => r.takeRate],
        ["revenue", "money", (r) => r.revenue],
        ["discount_cost", "money", (r) => r.discountCost],
        ["currency", "text", () => currency],
      ],
      rows,
    );
    return { filename: `offers-products-${range}.csv`, body };
  }
  const report = await experimentReport(database, {
    shopDomain,
    since: window.since,
    until: window.until,
    experimentId,
  });
  const body = csvOf(
    [
      ["experiment", "text", () => report.experimentId],
      ["arm", "text", (arm) => arm.variant],
      ["paused", "text", (arm) => (arm.paused ? "yes" : "no")],
      ["checkouts", "count", (arm) => arm.checkouts],
      ["linked_checkouts", "count", (arm) => arm.linked],
      ["conversions", "count", (arm) => arm.conversions],
      ["conversion_rate", "rate", (arm) => arm.conversionRate],
      ["conversion_lift", "rate", (arm) => arm.conversionLift?.difference],
      ["conversion_lift_low", "rate", (arm) => arm.conversionLift?.interval[0]],
      ["conversion_lift_high", "rate", (arm) => arm.conversionLift?.interval[1]],
      ["average_order_value", "money", (arm) => arm.averageOrderValue],
      ["revenue_per_checkout", "money", (arm) => arm.revenuePerCheckout],
      ["impressions", "count", (arm) => arm.impressions],
      ["purchases", "count", (arm) => arm.purchases],
      ["take_rate", "rate", (arm) => arm.takeRate],
      ["discount_cost", "money", (arm) => arm.discountCost],
      ["net_incremental_per_checkout", "money", (arm) => arm.netIncrementalPerCheckout?.difference],
      ["net_incremental_low", "money", (arm) => arm.netIncrementalPerCheckout?.interval[0]],
      ["net_incremental_high", "money", (arm) => arm.netIncrementalPerCheckout?.interval[1]],
      ["verdict", "text", (arm) => arm.verdict?.status],
      ["horizon_per_arm", "count", () => report.horizonPerArm],
      ["left_to_horizon", "count", (arm) => arm.remainingToHorizon],
      ["currency", "text", () => currency],
    ],
    report.arms,
  );
  return { filename: `experiment-${range}.csv`, body };
}
