import { env } from "~/env.server";
import { logger } from "~/logger.server";
import { shopify } from "~/shopify.server";
import { customerKey } from "./customer-key.server";
import { AppError, describeError, isAppError } from "./errors";
import { errorResponse, json, methodNotAllowed } from "./http";
import { normalizeShopDomain, resourceId } from "./shopify-ids";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** the client's IP address, as server.mjs reads it (see TRUST_PROXY) */
    clientAddress?: string;
  }
}

/** Who calls, as a checkout session token says: the shop, and the customer when they are logged in. */
export interface CheckoutCaller {
  shopDomain: string;
  customerKey: string | null;
  /** the logged-in customer's numeric id, which their offers' discounts are bound to */
  customerId: string | null;
  /** the session token's own id (`jti`, else `sid`): a guest's identity for limits */
  tokenId: string | null;
  /** when the session token expires */
  tokenExpiresAt: Date;
}

type Cors = (response: Response) => Response;

/**
 * Answers the CORS preflight of a checkout API route (Remix sends OPTIONS to the loader); any other
 * request without an action is told to POST.
 */
export async function answerCheckoutPreflight(request: Request): Promise<Response> {
  const { cors } = await authenticateCheckout(request);
  return cors(methodNotAllowed("POST, OPTIONS"));
}

/**
 * Runs a checkout API handler for a caller with a valid session token. Every answer, errors
 * included, carries the CORS headers: the extension runs in a worker of another origin, where an
 * answer without them is an opaque network error.
 */
export async function handleCheckoutRequest(
  request: Request,
  handler: (caller: CheckoutCaller) => Promise<unknown>,
  {
    onAnswer,
  }: {
    /** told each answer to an authenticated caller: its shop, status and time taken */
    onAnswer?: (shopDomain: string, status: number, ms: number) => void;
  } = {},
): Promise<Response> {
  const started = performance.now();
  const { caller, cors } = await authenticateCheckout(request);
  const response = await answer(caller, handler);
  onAnswer?.(caller.shopDomain, response.status, performance.now() - started);
  return cors(response);
}

async function answer(caller: CheckoutCaller, handler: (caller: CheckoutCaller) => Promise<unknown>) {
  try {
    return json(await handler(caller), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (isAppError(error)) return errorResponse(error);
    logger().error({ shop: caller.shopDomain, error: describeError(error) }, "checkout request failed");
    return json({ error: { code: "INTERNAL", message: "Something went wrong." } }, { status: 500 });
  }
}

/**
 * Verifies the session token (signature, expiry) with the Shopify library, then what it leaves to
 * us for extension tokens: that it expires at all (the library checks `exp` only when present), was
 * minted for this app (`aud`) and names a shop (`dest`).
 */
async function authenticateCheckout(request: Request): Promise<{ caller: CheckoutCaller; cors: Cors }> {
  let verified: Awaited<ReturnType<ReturnType<typeof shopify>["authenticate"]["public"]["checkout"]>>;
  try {
    verified = await shopify().authenticate.public.checkout(request);
  } catch (thrown) {
    if (thrown instanceof Response) throw withCorsHeaders(request, thrown);
    throw thrown;
  }
  const { sessionToken, cors } = verified;
  if (typeof sessionToken.exp !== "number") {
    throw cors(errorResponse(new AppError("UNAUTHORIZED", "The session token has no expiry.")));
  }
  const audience = [sessionToken.aud].flat();
  if (!audience.includes(env().SHOPIFY_API_KEY)) {
    throw cors(errorResponse(new AppError("UNAUTHORIZED", "The session token was issued to another app.")));
  }
  const shopDomain = normalizeShopDomain(sessionToken.dest ?? "");
  if (!shopDomain) {
    throw cors(errorResponse(new AppError("UNAUTHORIZED", "The session token names no shop.")));
  }
  const tokenId = [sessionToken.jti, sessionToken.sid].find((id) => typeof id === "string" && id) ?? null;
  return {
    caller: {
      shopDomain,
      ...customerOf(shopDomain, sessionToken.sub),
      tokenId,
      tokenExpiresAt: new Date(sessionToken.exp * 1000),
    },
    cors,
  };
}

/**
 * `sub` is the buyer's customer gid when they are logged in (and the app may read customers). Only
 * the gid form counts: an admin token's `sub` is a bare staff user id, never a customer.
 */
function customerOf(
  shopDomain: string,
  subject: unknown,
): Pick<CheckoutCaller, "customerKey" | "customerId"> {
  const id =
    typeof subject === "string" && subject.startsWith("gid://") ? resourceId(subject, "Customer") : null;
  return { customerKey: id ? customerKey(shopDomain, id) : null, customerId: id };
}

/** The library's own refusals (401, 410) come without CORS headers; the browser would hide them. */
function withCorsHeaders(request: Request, response: Response): Response {
  if (request.headers.get("Origin") && !response.headers.has("Access-Control-Allow-Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  return response;
}

/** The caller's address for per-client limits; "unknown" where the server gives none (the dev server). */
export function clientAddress(context: { clientAddress?: string } | undefined): string {
  return context?.clientAddress || "unknown";
}
