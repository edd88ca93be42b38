import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { json } from "~/lib/http";
import { getSetupStatus } from "~/services/setup-status.server";
import { shopify } from "~/shopify.server";

/** The shop's import, training and live model, polled by the admin pages while something runs. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return json(await getSetupStatus(db(), session.shop), { headers: { "Cache-Control": "no-store" } });
}
