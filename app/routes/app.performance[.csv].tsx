import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { reportWindow } from "~/lib/report-window";
import { PERFORMANCE_CSV_KINDS, performanceCsv } from "~/services/performance-csv.server";
import { shopify } from "~/shopify.server";

/** An earlier experiment's id (`experiment=k3x9`); anything else means the current one. */
const ExperimentIdSchema = z
  .string()
  .regex(/^[0-9a-z]{4}$/)
  .nullable()
  .catch(null)
  .transform((id) => id ?? undefined);

/**
 * The performance page's figures as CSV: one row per day (kind=days), per offered product
 * (kind=products) or per experiment arm (kind=experiment, the current one or `experiment=<id>`).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const kind = PERFORMANCE_CSV_KINDS.find((k) => k === params.get("kind")) ?? "days";
  const { window } = reportWindow(params);
  const { filename, body } = await performanceCsv(db(), {
    shopDomain: session.shop,
    kind,
    window,
    experimentId: ExperimentIdSchema.parse(params.get("experiment")),
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
