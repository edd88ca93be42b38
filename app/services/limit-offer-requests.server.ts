import { createHash } from "node:crypto";
import { env } from "~/env.server";
import type { CheckoutCaller } from "~/lib/checkout-api.server";
import { AppError } from "~/lib/errors";
import { parsedInput, readJsonBody } from "~/lib/http";
import { MAX_OFFERS_REQUEST_BYTES, type OffersRequestInput, OffersRequestSchema } from "~/lib/offers";
import { hitRateLimit } from "~/lib/rate-limit.server";

/** A key a token brought is remembered at least this long, even when the token expires sooner. */
const MIN_UNIT_MEMORY_MS = 60_000;

/**
 * Reads and validates an offers request's body and counts the request against its caller's limit
 * (limitOfferRequests), in one round trip to Redis that also admits the checkout key the body
 * names. A bad body is counted before it is refused, so a flood of them is limited too.
 */
export async function admitOffersRequest(
  request: Request,
  caller: CheckoutCaller & { clientAddress: string },
): Promise<{ input: OffersRequestInput } & AdmittedUnit> {
  const body = await readJsonBody(request, { maxBytes: MAX_OFFERS_REQUEST_BYTES }).then(
    (value) => ({ parsed: OffersRequestSchema.safeParse(value) }),
    (error: unknown) => ({ error }),
  );
  const parsed = "parsed" in body ? body.parsed : null;
  const unit = await limitOfferRequests({
    ...caller,
    unitKey: parsed?.success ? parsed.data.unitKey : null,
  });
  if ("error" in body) throw body.error;
  return { input: parsedInput(body.parsed), ...unit };
}

export interface AdmittedUnit {
  /** the checkout key the request is counted under in the experiment; null: outside it */
  unitKey: string | null;
  /**
   * A guest's key was counted against their session token's few: a guest may be given discounts
   * only then, so made-up keys cannot collect grants. False while Redis is away.
   */
  unitVouched: boolean;
}

/**
 * Counts an offers request against its caller's limit: the customer when logged in, else the guest's
 * session token (a checkout's extension asks a few times per checkout; each checkout has its own
 * token), else the client's address. Over the limit, a RATE_LIMITED error says when to retry.
 *
 * In the same round trip, it decides the checkout key a guest's request may be counted under in the
 * shop's experiment, which it returns: one session token brings at most OFFER_UNITS_PER_TOKEN
 * distinct keys for its lifetime, so a token replayed with made-up keys cannot inflate an arm's
 * units. Past them, the request is served outside the experiment (null), as a checkout without a
 * key is. Logged-in buyers are assigned by their customer key instead. While Redis is away, the key
 * is let in, but not vouched for.
 */
export async function limitOfferRequests(
  {
    shopDomain,
    customerKey,
    tokenId,
    tokenExpiresAt,
    clientAddress,
    unitKey,
  }: CheckoutCaller & { clientAddress: string; unitKey: string | null | undefined },
  now = Date.now(),
): Promise<AdmittedUnit> {
  const who = customerKey
    ? `customer:${customerKey}`
    : tokenId
      ? `token:${tokenId}`
      : `address:${clientAddress}`;
  const limitsUnits = Boolean(unitKey && !customerKey && tokenId);
  const result = await hitRateLimit({
    bucket: `offers:${shopDomain}:${who}`,
    limit: env().OFFER_REQUESTS_PER_MINUTE,
    windowMs: 60_000,
    admit:
      unitKey && limitsUnits
        ? {
            bucket: `offer-units:${shopDomain}:${tokenId}`,
            // Only a hash: the key is the shopper's checkout token.
            member: createHash("sha256").update(unitKey).digest("base64url").slice(0, 22),
            limit: env().OFFER_UNITS_PER_TOKEN,
            ttlMs: Math.max(MIN_UNIT_MEMORY_MS, tokenExpiresAt.getTime() - now),
          }
        : undefined,
  });
  if (!result.allowed) {
    throw new AppError("RATE_LIMITED", "Too many offer requests; retry later.", {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
  return {
    unitKey: result.admitted ? (unitKey ?? null) : null,
    unitVouched: limitsUnits && result.checked && result.admitted,
  };
}
