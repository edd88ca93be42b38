import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "~/db.server";
import { findCustomerDataReport } from "~/services/privacy.server";
import { shopify } from "~/shopify.server";

/** Downloads what was recorded for a customers/data_request, for the merchant to hand over. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const id = z.uuid().safeParse(params.id);
  const report = id.success
    ? await findCustomerDataReport(db(), { shopDomain: session.shop, id: id.data })
    : null;
  if (!report) throw new Response("No such data request", { status: 404 });
  return new Response(JSON.stringify(report, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="data-request-${report.id}.json"`,
    },
  });
}
