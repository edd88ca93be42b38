import type { OffersResponse } from "@checkout-upsell-ai/checkout-contract";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { answerCheckoutPreflight, clientAddress, handleCheckoutRequest } from "~/lib/checkout-api.server";
import { getCheckoutOffers, wireOffers } from "~/services/checkout-offers.server";
import { admitOffersRequest } from "~/services/limit-offer-requests.server";
import { recordOffersRequest } from "~/services/record-offers-request.server";
import { recordOffersAnswer } from "~/serving/offers-serving-stats.server";

/** CORS preflight (Remix hands OPTIONS to the loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return answerCheckoutPreflight(request);
}

/** The checkout extension asks for offers for its cart, with its session token (docs/checkout-api.md). */
export function action({ request, context }: ActionFunctionArgs) {
  return handleCheckoutRequest(
    request,
    async (caller): Promise<OffersResponse> => {
      // A checkout block of the shop asks: the setup's last step is done (in the background).
      recordOffersRequest(caller.shopDomain);
      const { input, unitKey, unitVouched } = await admitOffersRequest(request, {
        ...caller,
        clientAddress: clientAddress(context),
      });
      return wireOffers(
        await getCheckoutOffers(db(), {
          shopDomain: caller.shopDomain,
          customerKey: caller.customerKey,
          customerId: caller.customerId,
          cart: input.cart.lines.map((line) => line.productId),
          surface: input.surface,
          locale: input.locale,
          unitKey,
          // A guest's discounts need their checkout key vouched for; a logged-in buyer is their own key.
          mayDiscount: caller.customerKey !== null || unitVouched,
        }),
      );
    },
    // Each answer counts toward the shop's serving health (the nightly model health check).
    { onAnswer: recordOffersAnswer },
  );
}
