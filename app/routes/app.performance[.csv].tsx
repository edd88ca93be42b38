import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { toCsv } from "~/lib/csv";
import { reportWindow } from "~/lib/report-window";
import { offerPerformance } from "~/services/offer-performance.server";
import { shopify } from "~/shopify.server";

/** The performance page's figures as CSV: one row per day (kind=days) or per offered product (kind=products). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const kind = params.get("kind") === "products" ? "products" : "days";
  const { window } = reportWindow(params);
  const { days, rows, currency } = await offerPerformance(db(), { shopDomain: session.shop, window });
  const body =
    kind === "days"
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
  const name = `offers-${kind}-${window.days[0]}-to-${window.days[window.days.length - 1]}.csv`;
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    },
  });
}
