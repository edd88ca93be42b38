import type { CheckoutSurface, OfferEventType, OffersRequest } from "@checkout-upsell-ai/checkout-contract";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { fetchMarketVariants, fetchOffers, sendEvents } from "./lib/api";
import {
  cartPermalink,
  cartProductIds,
  OFFER_ATTRIBUTE,
  offeredLinesInCart,
  offersNotInCart,
  requestLines,
} from "./lib/cart";
import { createEventQueue } from "./lib/events";
import { type BuyerContext, marketOffers } from "./lib/market";
import type { Offer } from "./lib/offers";
import { readSettings } from "./lib/settings";
import { OfferCard } from "./offer-card";

type State =
  | { status: "loading" }
  | { status: "hidden" }
  | { status: "ready"; offers: Offer[]; heading: string | null; message: string | null };

/**
 * Offers for the shopper's cart, at the prices of the buyer's market. Renders a skeleton while the
 * app and Shopify answer and nothing at all when there is nothing to show, either fails or is slow,
 * or the checkout cannot take new lines.
 */
export function Upsell({ surface }: { surface: CheckoutSurface }) {
  const api = shopify;
  const { translate } = api.i18n;
  const lines = api.lines.value;
  const settings = readSettings(api.settings.value);
  // The Thank you page has no cart to change; draft-order checkouts cannot take new lines.
  const enabled =
    surface === "thank-you" || ("applyCartLinesChange" in api && api.instructions.value.lines.canAddCartLine);

  const [state, setState] = useState<State>(enabled ? { status: "loading" } : { status: "hidden" });
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [failed, setFailed] = useState<ReadonlySet<string>>(new Set());
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());
  const track = useEventTracking(surface);

  // One request per render of the extension, with the cart as it was when checkout showed it. A
  // layout effect starts it with the skeleton's commit rather than a frame later.
  useLayoutEffect(() => {
    if (!enabled) return;
    let current = true;
    const unitKey = api.checkoutToken.value;
    const language = api.localization.language.value.isoCode;
    const request = {
      cart: { lines: requestLines(lines) },
      locale: language,
      surface,
      ...(unitKey ? { unitKey } : {}),
    };
    void offersInMarket(request, { language, country: api.localization.country.value?.isoCode }).then(
      (next) => {
        if (current) setState(next);
      },
    );
    return () => {
      current = false;
    };
  }, []);

  // Feedback is recorded as the change is committed, not a frame later, so none is lost when
  // checkout takes the extension away. An offered line leaving the cart is feedback too (its
  // discount leaves with it: the discount function gives it only to the line).
  const offeredInCart = useRef<Set<string> | null>(null);
  useLayoutEffect(() => {
    const now = offeredLinesInCart(lines);
    const before = offeredInCart.current;
    offeredInCart.current = now;
    if (!before || surface === "thank-you") return;
    for (const offerId of before) {
      if (!now.has(offerId)) track("remove", offerId);
    }
  }, [lines, surface, track]);

  const visible =
    state.status === "ready"
      ? offersNotInCart(state.offers, lines)
          .filter((offer) => !added.has(offer.offerId))
          .slice(0, settings.offerCount)
      : [];

  const impressed = useRef(new Set<string>());
  const visibleKey = JSON.stringify(visible.map((offer) => offer.offerId));
  // `visible` is a new array each render: its ids say when it changed.
  useLayoutEffect(() => {
    for (const { offerId } of visible) {
      if (impressed.current.has(offerId)) continue;
      impressed.current.add(offerId);
      track("impression", offerId);
    }
  }, [visibleKey, track]);

  if (!enabled || state.status === "hidden") return null;
  if (state.status === "loading") {
    return (
      <s-stack gap="base" accessibilityLabel={translate("loading")}>
        {Array.from({ length: settings.offerCount }, (_, index) => (
          <s-skeleton-paragraph key={index} />
        ))}
      </s-stack>
    );
  }
  if (visible.length === 0) return null;

  async function add(offer: Offer) {
    if (!("applyCartLinesChange" in api)) return;
    track("click", offer.offerId);
    setPending((ids) => withId(ids, offer.offerId));
    setFailed((ids) => withoutId(ids, offer.offerId));
    let ok = false;
    try {
      const result = await api.applyCartLinesChange({
        type: "addCartLine",
        merchandiseId: offer.variantId,
        quantity: 1,
        attributes: [{ key: OFFER_ATTRIBUTE, value: offer.offerId }],
      });
      ok = result.type === "success";
    } catch {
      ok = false;
    }
    setPending((ids) => withoutId(ids, offer.offerId));
    if (ok) {
      track("add", offer.offerId);
      setAdded((ids) => withId(ids, offer.offerId));
    } else {
      setFailed((ids) => withId(ids, offer.offerId));
    }
  }

  const storefront = api.shop.storefrontUrl ?? `https://${api.shop.myshopifyDomain}`;
  return (
    <s-stack gap="base">
      <s-heading>{state.heading || settings.heading || translate("heading")}</s-heading>
      {state.message && <s-paragraph>{state.message}</s-paragraph>}
      {visible.map((offer) => {
        if (surface === "thank-you") {
          const href = cartPermalink(storefront, offer.variantId, offer.offerId);
          if (!href) return null;
          return (
            <OfferCard
              key={offer.offerId}
              offer={offer}
              action={
                <s-button
                  variant="secondary"
                  href={href}
                  accessibilityLabel={translate("buyLabel", { title: offer.title })}
                  onClick={() => track("click", offer.offerId)}
                >
                  {translate("buy")}
                </s-button>
              }
            />
          );
        }
        const busy = pending.has(offer.offerId);
        return (
          <OfferCard
            key={offer.offerId}
            offer={offer}
            failed={failed.has(offer.offerId)}
            action={
              <s-button
                variant="secondary"
                accessibilityLabel={translate("addLabel", { title: offer.title })}
                loading={busy}
                disabled={busy}
                onClick={() => void add(offer)}
              >
                {translate("add")}
              </s-button>
            }
          />
        );
      })}
    </s-stack>
  );
}

/**
 * The app's offers priced, titled and filtered by Shopify for the buyer's market: the app answers
 * what to offer and its discount percent, Shopify what it costs this buyer. Hidden when either fails
 * or is slow, or nothing is left to show.
 */
async function offersInMarket(request: OffersRequest, context: BuyerContext): Promise<State> {
  const answer = await fetchOffers(request, { getToken: () => shopify.sessionToken.get() });
  if (!answer?.offers.length) return { status: "hidden" };
  const variants = await fetchMarketVariants(
    shopify.query,
    answer.offers.map((offer) => offer.variantId),
    context,
  );
  const offers = variants ? marketOffers(answer.offers, variants) : [];
  return offers.length
    ? { status: "ready", offers, heading: answer.heading, message: answer.message }
    : { status: "hidden" };
}

/**
 * Queues feedback events for this render and sends what is left when the extension goes away. Each
 * batch carries the cart's products as they are when it leaves, not as they were at the first render.
 */
function useEventTracking(surface: CheckoutSurface) {
  const queue = useMemo(
    () =>
      createEventQueue({
        send: (events) =>
          sendEvents(events, {
            getToken: () => shopify.sessionToken.get(),
            cart: cartProductIds(shopify.lines.value),
          }),
      }),
    [],
  );
  useEffect(() => () => void queue.close(), [queue]);
  return useCallback(
    (type: OfferEventType, offerId: string) =>
      queue.push({ type, offerId, surface, at: new Date().toISOString() }),
    [queue, surface],
  );
}

function withId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  return new Set(ids).add(id);
}

function withoutId(ids: ReadonlySet<string>, id: string): ReadonlySet<string> {
  const next = new Set(ids);
  next.delete(id);
  return next;
}
