import type { CheckoutSurface, OfferEventType } from "@checkout-upsell-ai/checkout-contract";
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
import { marketOffers } from "./lib/market";
import type { Offer, OffersToShow } from "./lib/offers";
import { readSettings } from "./lib/settings";
import { OfferCard } from "./offer-card";

/** The app's answer: what to offer, without prices. */
type Answer = { status: "loading" } | { status: "hidden" } | { status: "ready"; answer: OffersToShow };

/** The offers as Shopify priced them for one market (country, language and currency). */
interface Priced {
  market: string;
  offers: Offer[];
}

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

  // Reading the signals here re-renders the extension when the buyer's market changes (a new
  // shipping country can change the currency): the offers are priced again for it.
  const country = api.localization.country.value?.isoCode;
  const language = api.localization.language.value.isoCode;
  const currency = api.localization.currency.value.isoCode;
  const market = `${country ?? ""}|${language}|${currency}`;

  const [state, setState] = useState<Answer>(enabled ? { status: "loading" } : { status: "hidden" });
  const [priced, setPriced] = useState<Priced | null>(null);
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
    const request = {
      cart: { lines: requestLines(lines) },
      locale: language,
      surface,
      ...(unitKey ? { unitKey } : {}),
    };
    void fetchOffers(request, { getToken: () => api.sessionToken.get() }).then((answer) => {
      if (current) setState(answer?.offers.length ? { status: "ready", answer } : { status: "hidden" });
    });
    return () => {
      current = false;
    };
  }, []);

  // Shopify prices the offers in the buyer's market, once the app's answer is in and again whenever
  // the market changes. An offer priced in another currency than the checkout's (Shopify answered
  // for the shop's primary market, the buyer's country being unknown) is not shown.
  const answer = state.status === "ready" ? state.answer : null;
  useLayoutEffect(() => {
    if (!answer) return;
    let current = true;
    const ids = answer.offers.map((offer) => offer.variantId);
    void fetchMarketVariants(api.query, ids, { country, language })
      .then((variants) =>
        (variants ? marketOffers(answer.offers, variants) : []).filter(
          (offer) => offer.price.currencyCode === currency,
        ),
      )
      .catch((): Offer[] => [])
      .then((offers) => {
        if (current) setPriced({ market, offers });
      });
    return () => {
      current = false;
    };
  }, [answer, market]);

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

  const offers = priced?.market === market ? priced.offers : null;
  const visible =
    offers !== null
      ? offersNotInCart(offers, lines)
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
  if (state.status === "loading" || offers === null) {
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
      <s-heading>{answer?.heading || settings.heading || translate("heading")}</s-heading>
      {answer?.message && <s-paragraph>{answer.message}</s-paragraph>}
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
