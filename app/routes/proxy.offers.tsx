import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { customerKey } from "~/lib/customer-key.server";
import { AppError } from "~/lib/errors";
import { methodNotAllowed, parseInput, respond } from "~/lib/http";
import { ProxyOffersQuerySchema } from "~/lib/offers";
import { normalizeShopDomain, resourceId } from "~/lib/shopify-ids";
import { getCheckoutOffers, wireOffers } from "~/services/checkout-offers.server";
import { recordOffersRequest } from "~/services/record-offers-request.server";
import { shopify } from "~/shopify.server";

/**
 * Offers for storefront pages: https://<shop>/apps/upsell/offers?products=<id>,<id> reaches us
 * through Shopify's app proxy, which signs the query and adds the shop and the logged-in customer
 * (trusted only once the signature is checked). Same answer as the checkout offers API.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await shopify().authenticate.public.appProxy(request);
  const url = new URL(request.url);
  return respond(
    async () => {
      const shopDomain = normalizeShopDomain(url.searchParams.get("shop") ?? "");
      if (!shopDomain) throw new AppError("BAD_REQUEST", "The request names no shop.");
      // The storefront asks through the proxy: the setup's last step is done (in the background).
      recordOffersRequest(shopDomain);
      const query = parseInput(ProxyOffersQuerySchema, Object.fromEntries(url.searchParams));
      const customerId = resourceId(url.searchParams.get("logged_in_customer_id") ?? "", "Customer");
      return wireOffers(
        await getCheckoutOffers(db(), {
          shopDomain,
          customerKey: customerId ? customerKey(shopDomain, customerId) : null,
          cart: query.products,
          surface: "storefront",
          locale: query.locale,
        }),
      );
    },
    { headers: { "Cache-Control": "private, no-store" } },
  );
}

/** The proxy only answers GET; Remix would answer any other method with an error page. */
export function action() {
  return methodNotAllowed("GET");
}
