import type { LoaderFunctionArgs } from "@remix-run/node";
import { isSessionTokenBounce, withExpiredLinkNotice } from "~/lib/session-link";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  try {
    await shopify().authenticate.admin(request);
  } catch (thrown) {
    if (thrown instanceof Response && isSessionTokenBounce(request, thrown)) {
      throw await withExpiredLinkNotice(thrown);
    }
    throw thrown;
  }
  return null;
}
