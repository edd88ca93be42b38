import { createHash } from "node:crypto";
import { env } from "~/env.server";
import type { CheckoutCaller } from "~/lib/checkout-api.server";
import { AppError } from "~/lib/errors";
import { admitDistinct, hitRateLimit } from "~/lib/rate-limit.server";

/** A key a token brought is remembered at least this long, even when the token expires sooner. */
const MIN_UNIT_MEMORY_MS = 60_000;

/**
 * Counts an offers request against its caller's limit before the body is read: the customer when
 * logged in, else the guest's session token (a checkout's extension asks a few times per checkout;
 * each checkout has its own token), else the client's address. Over the limit, a RATE_LIMITED error
 * says when to retry.
 */
export async function limitOfferRequests({
  shopDomain,
  customerKey,
  tokenId,
  clientAddress,
}: CheckoutCaller & { clientAddress: string }): Promise<{ redisAnswered: boolean }> {
  const who = customerKey
    ? `customer:${customerKey}`
    : tokenId
      ? `token:${tokenId}`
      : `address:${clientAddress}`;
  const result = await hitRateLimit({
    bucket: `offers:${shopDomain}:${who}`,
    limit: env().OFFER_REQUESTS_PER_MINUTE,
    windowMs: 60_000,
  });
  if (!result.allowed) {
    throw new AppError("RATE_LIMITED", "Too many offer requests; retry later.", {
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
  return { redisAnswered: result.count > 0 };
}

/**
 * The checkout key a guest's request may be counted under in the shop's experiment: one session
 * token brings at most OFFER_UNITS_PER_TOKEN distinct keys for its lifetime, so a token replayed with
 * made-up keys cannot inflate an arm's units. Past them, the request is served outside the experiment
 * (null), as a checkout without a key is. Logged-in buyers are assigned by their customer key instead.
 * When Redis did not answer the request's limit, it is not asked again (the key is let in): an
 * outage costs a checkout one short timeout, not two.
 */
export async function admitUnitKey(
  { shopDomain, customerKey, tokenId, tokenExpiresAt }: CheckoutCaller,
  unitKey: string | null | undefined,
  { redisAnswered }: { redisAnswered: boolean },
  now = Date.now(),
): Promise<string | null> {
  if (!unitKey || customerKey || !tokenId || !redisAnswered) return unitKey ?? null;
  const admitted = await admitDistinct({
    bucket: `offer-units:${shopDomain}:${tokenId}`,
    // Only a hash: the key is the shopper's checkout token.
    member: createHash("sha256").update(unitKey).digest("base64url").slice(0, 22),
    limit: env().OFFER_UNITS_PER_TOKEN,
    ttlMs: Math.max(MIN_UNIT_MEMORY_MS, tokenExpiresAt.getTime() - now),
  });
  return admitted ? unitKey : null;
}
