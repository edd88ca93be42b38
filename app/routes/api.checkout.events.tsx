import type { OfferEventsResponse } from "@checkout-upsell-ai/checkout-contract";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answerCheckoutPreflight, clientAddress, handleCheckoutRequest } from "~/lib/checkout-api.server";
import { parseInput, readJsonBody } from "~/lib/http";
import { OfferEventsRequestSchema } from "~/lib/offers";
import { limitOfferEventRequests, recordOfferEvents } from "~/services/record-offer-events.server";

/** CORS preflight (Remix hands OPTIONS to the loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return answerCheckoutPreflight(request);
}

/** The checkout extension reports impressions, clicks, adds and removes of offers (docs/checkout-api.md). */
export function action({ request, context }: ActionFunctionArgs) {
  return handleCheckoutRequest(request, async (caller): Promise<OfferEventsResponse> => {
    // The limit is counted before the body is read, so a flood of bad bodies is limited too.
    await limitOfferEventRequests({ ...caller, clientAddress: clientAddress(context) });
    const input = parseInput(OfferEventsRequestSchema, await readJsonBody(request, { maxBytes: 32 * 1024 }));
    return recordOfferEvents({ ...caller, events: input.events, cart: input.cart });
  });
}
