import {
  EVENTS_PATH,
  OFFERS_PATH,
  type OfferEvent,
  type OfferEventsRequest,
  type OffersRequest,
} from "@checkout-upsell-ai/checkout-contract";
import {
  type BuyerContext,
  type MarketVariant,
  marketQuery,
  parseMarketVariants,
  STOREFRONT_VERSION,
} from "./market";
import { type OffersToShow, parseOffersResponse } from "./offers";

// Shopify CLI replaces `process.env.APP_URL` when it bundles the extension: `shopify app dev` with the
// tunnel URL, `npm run build:extensions` and `npm run deploy` with shopify.app.toml's application_url.
declare const process: { env: { APP_URL?: string } };

/** Checkout never waits longer than this for offers. */
export const OFFERS_TIMEOUT_MS = 1_500;
/** Nor longer than this for Shopify's prices in the buyer's market, once the offers are in. */
export const MARKET_TIMEOUT_MS = 1_000;
const EVENTS_TIMEOUT_MS = 5_000;

/** The app's origin, or null when the bundle was built without one (then nothing is requested). */
export function appUrl(): string | null {
  let url: string | undefined;
  try {
    url = process.env.APP_URL;
  } catch {
    // Not replaced at build time, and there is no `process` in the extension's worker.
    return null;
  }
  if (!url || !/^https?:\/\/[^/]/.test(url)) return null;
  return url.replace(/\/+$/, "");
}

export interface RequestOptions {
  getToken: () => Promise<string>;
  timeoutMs?: number;
}

/** The offers for a cart, or null on any failure: network, status, timeout or an unexpected body. */
export async function fetchOffers(
  request: OffersRequest,
  { getToken, timeoutMs = OFFERS_TIMEOUT_MS }: RequestOptions,
): Promise<OffersToShow | null> {
  try {
    const body = await postJson(OFFERS_PATH, request, { getToken, timeoutMs }, true);
    return parseOffersResponse(body);
  } catch {
    return null;
  }
}

/** The extension API's Storefront API query (`shopify.query`), as this file calls it. */
export type StorefrontQuery = (
  query: string,
  options: { variables: Record<string, unknown>; version: typeof STOREFRONT_VERSION },
) => Promise<{ data?: unknown; errors?: unknown[] }>;

/**
 * The offered variants as Shopify sells them in the buyer's market, in one query; null when the
 * query fails, answers with errors or takes longer than timeoutMs, since a price that may be wrong
 * must not be shown.
 */
export async function fetchMarketVariants(
  query: StorefrontQuery,
  variantIds: readonly string[],
  context: BuyerContext,
  { timeoutMs = MARKET_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<Map<string, MarketVariant> | null> {
  const { query: text, variables } = marketQuery(context);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const answer = await Promise.race([
      query(text, { variables: { ...variables, ids: variantIds }, version: STOREFRONT_VERSION }),
      timedOut,
    ]);
    if (!answer || answer.errors?.length) return null;
    return parseMarketVariants(answer.data);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export interface SendEventsOptions extends RequestOptions {
  /** the Product gids of the checkout's lines as the events leave; left out of the request when empty */
  cart?: string[];
}

/** Sends a batch of events; failures are dropped, since feedback must never bother the shopper. */
export async function sendEvents(events: OfferEvent[], { getToken, cart }: SendEventsOptions): Promise<void> {
  const request: OfferEventsRequest = cart?.length ? { events, cart } : { events };
  try {
    await postJson(EVENTS_PATH, request, { getToken, timeoutMs: EVENTS_TIMEOUT_MS }, false);
  } catch {
    // Lost feedback is acceptable; a retry loop inside checkout is not.
  }
}

async function postJson(
  path: string,
  payload: OffersRequest | OfferEventsRequest,
  { getToken, timeoutMs }: Required<RequestOptions>,
  readBody: boolean,
): Promise<unknown> {
  const base = appUrl();
  if (!base) throw new Error("No app URL");
  const controller = new AbortController();
  const timedOut = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(new Error("Timed out")));
  });
  // Swallowed here; whoever is racing against it sees the rejection.
  timedOut.catch(() => {});
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // The deadline covers the token too: a token that never comes must not hold the skeleton up.
    const token = await Promise.race([getToken(), timedOut]);
    const response = await Promise.race([
      fetch(`${base}${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(payload),
        signal: controller.signal,
      }),
      timedOut,
    ]);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return readBody ? await Promise.race([response.json(), timedOut]) : undefined;
  } finally {
    clearTimeout(timer);
  }
}
