import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { isAppError } from "~/lib/errors";
import { errorResponse, methodNotAllowed } from "~/lib/http";
import { PROMETHEUS_CONTENT_TYPE } from "~/lib/prometheus-text";
import { authorizeMetricsScrape, collectOperatorMetrics } from "~/services/collect-operator-metrics.server";

/** Operators' metrics for Prometheus, behind the METRICS_TOKEN bearer token (README: Monitoring). */
export async function loader({ request }: LoaderFunctionArgs) {
  try {
    authorizeMetricsScrape(request);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const response = errorResponse(error);
    if (error.code === "UNAUTHORIZED") response.headers.set("WWW-Authenticate", 'Bearer realm="metrics"');
    return response;
  }
  return new Response(await collectOperatorMetrics(db()), {
    headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" },
  });
}

export function action() {
  return methodNotAllowed("GET");
}
