import type { OfferEventsResponse } from "@checkout-upsell-ai/checkout-contract";
import { env } from "~/env.server";
import { AppError } from "~/lib/errors";
import { type OfferClaims, verifyOfferToken } from "~/lib/offer-token.server";
import type { OfferEventInput } from "~/lib/offers";
import { hitRateLimit } from "~/lib/rate-limit.server";
import type { OfferEventRow } from "~/models/offer-events.server";
import { writeOfferEvents } from "./write-offer-events.server";

/** The cart products kept with each event: the pairs of the first few are enough to find ignored ones. */
export const MAX_EVENT_CART = 10;

/** Events are accepted for offers served in the last day. */
export const OFFER_EVENT_MAX_AGE_MS = 24 * 3_600_000;

/**
 * Counts a request against the shopper's limit (the customer when logged in, else the client's
 * address) before its body is even read; over the limit, a RATE_LIMITED error says when to retry.
 */
export async function limitOfferEventRequests({
  shopDomain,
  customerKey,
  clientAddress,
}: {
  shopDomain: string;
  customerKey: string | null;
  clientAddress: string;
}) {
  const who = customerKey ? `customer:${customerKey}` : `address:${clientAddress}`;
  const result = await hitRateLimit({
    bucket: `offer-events:${shopDomain}:${who}`,
    limit: env().OFFER_EVENTS_PER_MINUTE,
    windowMs: 60_000,
  });
  if (!result.allowed) {
    throw new AppError("RATE_LIMITED", "Too many event requests; retry later.", {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
}

/**
 * Stores what shoppers did with offers. Each event's offer id must be a token we served to this
 * shop in the last day, on the surface the event names; the others are refused one by one and the
 * rest are stored. Product, model version, discount and experiment variant come from the verified
 * token, never from the client; a client's timestamp is kept when it falls between serving and now.
 * Each event is stored with the shopper's segment the offer was served in, which the token carries:
 * an order placed meanwhile moves the shopper, not what their offer's events are counted under.
 * The answer comes once the events are committed, in a batch with other requests' events.
 */
export async function recordOfferEvents({
  shopDomain,
  customerKey,
  events,
  cart = [],
  now = new Date(),
}: {
  shopDomain: string;
  customerKey: string | null;
  events: OfferEventInput[];
  /** the numeric product ids of the checkout's lines when the events were sent */
  cart?: readonly string[];
  now?: Date;
}): Promise<OfferEventsResponse> {
  const cartProductIds = [...new Set(cart)].slice(0, MAX_EVENT_CART);
  const rows: OfferEventRow[] = [];
  const errors: OfferEventsResponse["errors"] = [];
  for (const [index, event] of events.entries()) {
    const checked = checkEvent(event, shopDomain, now);
    if ("error" in checked) {
      errors.push({ index, message: checked.error });
      continue;
    }
    const { offer } = checked;
    const at = event.at ? new Date(event.at) : now;
    rows.push({
      offerId: event.offerId,
      productId: offer.productId,
      modelVersion: offer.modelVersion,
      surface: offer.surface,
      type: event.type,
      discountPercent: offer.discountPercent,
      experimentId: offer.experiment?.id ?? null,
      variant: offer.experiment?.variant ?? null,
      customerKey,
      segment: offer.segment,
      discountHistory: offer.discountHistory,
      cartProductIds,
      occurredAt: at < offer.servedAt || at > now ? now : at,
    });
  }
  const installed = await writeOfferEvents(shopDomain, rows);
  if (!installed) throw new AppError("NOT_FOUND", "Unknown or uninstalled shop.");
  return { accepted: rows.length, rejected: errors.length, errors };
}

function checkEvent(
  event: OfferEventInput,
  shopDomain: string,
  now: Date,
): { offer: OfferClaims } | { error: string } {
  const offer = verifyOfferToken(event.offerId, shopDomain);
  if (!offer) return { error: "offerId is not an offer served to this shop" };
  if (now.getTime() - offer.servedAt.getTime() > OFFER_EVENT_MAX_AGE_MS)
    return { error: "offerId has expired" };
  if (offer.surface !== event.surface)
    return { error: `surface does not match the offer's (${offer.surface})` };
  return { offer };
}
