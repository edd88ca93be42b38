import type { OffersResponse } from "@checkout-upsell-ai/checkout-contract";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { answerCheckoutPreflight, clientAddress, handleCheckoutRequest } from "~/lib/checkout-api.server";
import { parseInput, readJsonBody } from "~/lib/http";
import { MAX_OFFERS_REQUEST_BYTES, OffersRequestSchema } from "~/lib/offers";
import { getCheckoutOffers } from "~/services/checkout-offers.server";
import { admitUnitKey, limitOfferRequests } from "~/services/limit-offer-requests.server";
import { recordOffersRequest } from "~/services/record-offers-request.server";

/** CORS preflight (Remix hands OPTIONS to the loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return answerCheckoutPreflight(request);
}

/** The checkout extension asks for offers for its cart, with its session token (docs/checkout-api.md). */
export function action({ request, context }: ActionFunctionArgs) {
  return handleCheckoutRequest(request, async (caller): Promise<OffersResponse> => {
    // A checkout block of the shop asks: the setup's last step is done (in the background).
    recordOffersRequest(caller.shopDomain);
    // The limit is counted before the body is read, so a flood of bad bodies is limited too.
    const limits = await limitOfferRequests({ ...caller, clientAddress: clientAddress(context) });
    const input = parseInput(
      OffersRequestSchema,
      await readJsonBody(request, { maxBytes: MAX_OFFERS_REQUEST_BYTES }),
    );
    return getCheckoutOffers(db(), {
      shopDomain: caller.shopDomain,
      customerKey: caller.customerKey,
      cart: input.cart.lines.map((line) => line.productId),
      surface: input.surface,
      currency: input.currency,
      locale: input.locale,
      unitKey: await admitUnitKey(caller, input.unitKey, limits),
      mayIssueCodes: true,
    });
  });
}
