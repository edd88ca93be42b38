import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { toCsv } from "~/lib/csv";
import { type ReportWindow, reportWindow } from "~/lib/report-window";
import { experimentReport } from "~/services/experiment-report.server";
import { offerPerformance } from "~/services/offer-performance.server";
import { shopify } from "~/shopify.server";

const KINDS = ["days", "products", "experiment"] as const;

/**
 * The performance page's figures as CSV: one row per day (kind=days), per offered product
 * (kind=products) or per experiment arm (kind=experiment, the current one or `experiment=<id>`).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const kind = KINDS.find((k) => k === params.get("kind")) ?? "days";
  const { window } = reportWindow(params);
  const { days, rows, currency } = await offerPerformance(db(), { shopDomain: session.shop, window });
  const body =
    kind === "experiment"
      ? await experimentCsv(
          session.shop,
          window,
          currency,
          ExperimentIdSchema.parse(params.get("experiment")),
        )
      : kind === "days"
        ? toCsv(
            ["date", "impressions", "clicks", "adds", "purchases", "take_rate", "revenue", "currency"],
            days.map((d) => [
              d.day,
              d.impressions,
              d.clicks,
              d.adds,
              d.purchases,
              d.takeRate,
              d.revenue,
              currency,
            ]),
          )
        : toCsv(
            [
              "product_id",
              "title",
              "model_version",
              "surface",
              "impressions",
              "clicks",
              "adds",
              "removes",
              "purchases",
              "click_rate",
              "take_rate",
              "revenue",
              "currency",
            ],
            rows.map((r) => [
              r.productId,
              r.title,
              r.modelVersion,
              r.surface,
              r.impressions,
              r.clicks,
              r.adds,
              r.removes,
              r.purchases,
              r.clickRate,
              r.takeRate,
              r.revenue,
              currency,
            ]),
          );
  const name = `${kind === "experiment" ? "experiment" : `offers-${kind}`}-${window.days[0]}-to-${window.days[window.days.length - 1]}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** An earlier experiment's id (`experiment=k3x9`); anything else means the current one. */
const ExperimentIdSchema = z
  .string()
  .regex(/^[0-9a-z]{4}$/)
  .nullable()
  .catch(null)
  .transform((id) => id ?? undefined);

async function experimentCsv(
  shopDomain: string,
  window: ReportWindow,
  currency: string | null,
  id: string | undefined,
) {
  const { experimentId, horizonPerArm, arms } = await experimentReport(db(), {
    shopDomain,
    since: window.since,
    until: window.until,
    experimentId: id,
  });
  return toCsv(
    [
      "experiment",
      "arm",
      "paused",
      "checkouts",
      "linked_checkouts",
      "conversions",
      "conversion_rate",
      "conversion_lift",
      "conversion_lift_low",
      "conversion_lift_high",
      "average_order_value",
      "revenue_per_checkout",
      "impressions",
      "purchases",
      "take_rate",
      "discount_cost",
      "net_incremental_per_checkout",
      "net_incremental_low",
      "net_incremental_high",
      "verdict",
      "horizon_per_arm",
      "left_to_horizon",
      "currency",
    ],
    arms.map((arm) => [
      experimentId,
      arm.variant,
      arm.paused ? "yes" : "no",
      arm.checkouts,
      arm.linked,
      arm.conversions,
      arm.conversionRate,
      arm.conversionLift?.difference ?? null,
      arm.conversionLift?.interval[0] ?? null,
      arm.conversionLift?.interval[1] ?? null,
      arm.averageOrderValue,
      arm.revenuePerCheckout,
      arm.impressions,
      arm.purchases,
      arm.takeRate,
      arm.discountCost,
      arm.netIncrementalPerCheckout?.difference ?? null,
      arm.netIncrementalPerCheckout?.interval[0] ?? null,
      arm.netIncrementalPerCheckout?.interval[1] ?? null,
      arm.verdict?.status ?? null,
      horizonPerArm,
      arm.remainingToHorizon,
      currency,
    ]),
  );
}
