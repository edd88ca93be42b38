/**
 * What one checkout sends, as the checkout extension sends it: the offers request, then, when
 * offers were shown, one events batch built from the answer: an impression of every offer shown,
 * and clicks and adds to cart at the rates a checkout sees. The batch names the offer ids the
 * answer returned, so the server verifies the ids it signed, as it does for shoppers.
 */
import {
  EVENTS_PATH,
  OFFERS_PATH,
  type OfferEvent,
  type OfferEventsRequest,
  type OfferEventsResponse,
  type OffersResponse,
} from "@checkout-upsell-ai/checkout-contract";
import { createRng } from "~ml";
import type { Unit } from "./load";

/** A prepared checkout: its signed headers and, each time it is asked, the body of a new checkout. */
export interface SignedCheckout {
  customer: boolean;
  headers: Record<string, string>;
  body: () => string;
}

/** Shares of impressions that lead to a click and to an add to cart. */
export const CLICK_RATE = 0.08;
export const ADD_RATE = 0.03;

/** The events a shopper's checkout reports for the offers it showed. */
function eventsFor(offers: OffersResponse["offers"], random: () => number): OfferEvent[] {
  const at = new Date().toISOString();
  const events: OfferEvent[] = [];
  for (const { offerId } of offers) {
    events.push({ type: "impression", offerId, surface: "checkout", at });
    if (random() < CLICK_RATE) events.push({ type: "click", offerId, surface: "checkout", at });
    if (random() < ADD_RATE) events.push({ type: "add", offerId, surface: "checkout", at });
  }
  return events;
}

/**
 * The checkouts of a pool, one after another (each a new checkout with its own key): with `events`,
 * an offers request and its events batch; without, the offers request alone. An answer with no
 * offers is right only for the experiment's holdout, unless `expectOffers` is false (the floor and
 * the bare server answer none).
 */
export function checkoutUnits({
  pool,
  events,
  expectOffers,
  seed,
}: {
  pool: SignedCheckout[];
  events: boolean;
  expectOffers: boolean;
  seed: number;
}): () => Unit {
  const random = createRng(seed);
  let next = 0;
  return () => {
    const checkout = pool[next++ % pool.length]!;
    return async (send) => {
      const headers = checkout.headers;
      const answer = await send({ path: OFFERS_PATH, headers, body: checkout.body(), timed: true });
      const { offers, experiment } = JSON.parse(answer.body) as OffersResponse;
      if (!expectOffers) {
        if (offers.length > 0) throw new Error("offers where none were expected");
        return;
      }
      if (offers.length === 0 && experiment?.variant !== "holdout") throw new Error("no offers");
      if (!events || offers.length === 0) return;
      const batch: OfferEventsRequest = { events: eventsFor(offers, random) };
      const recorded = await send({ path: EVENTS_PATH, headers, body: JSON.stringify(batch) });
      const { accepted, rejected } = JSON.parse(recorded.body) as OfferEventsResponse;
      if (rejected > 0 || accepted !== batch.events.length) throw new Error("events refused");
    };
  };
}
