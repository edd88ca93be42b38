/**
 * The offers bench's request floor: a server build for server.mjs (SERVER_BUILD, run with tsx) whose
 * offers route does everything the real one must before it can rank, and nothing after: the session
 * token check, the CORS headers, the body read and validated, the shop looked up once per process and
 * a logged-in shopper's history read, answered with no offers. Its throughput bounds what any
 * ranking could reach on the machine.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { maxBodyBytes } from "~/lib/body-limits";
import { handleCheckoutRequest } from "~/lib/checkout-api.server";
import { AppError } from "~/lib/errors";
import { parseInput, readJsonBody } from "~/lib/http";
import { MAX_OFFERS_REQUEST_BYTES, OffersRequestSchema } from "~/lib/offers";
import { customerHistory, servingPointer } from "~/models/serving-data.server";

const shopIds = new Map<string, string>();

async function shopIdOf(shopDomain: string): Promise<string> {
  const known = shopIds.get(shopDomain);
  if (known) return known;
  const pointer = await servingPointer(db(), shopDomain);
  if (!pointer) throw new AppError("NOT_FOUND", "Unknown or uninstalled shop.");
  shopIds.set(shopDomain, pointer.shopId);
  return pointer.shopId;
}

function action({ request }: ActionFunctionArgs) {
  return handleCheckoutRequest(request, async ({ shopDomain, customerKey }) => {
    parseInput(OffersRequestSchema, await readJsonBody(request, { maxBytes: MAX_OFFERS_REQUEST_BYTES }));
    const shopId = await shopIdOf(shopDomain);
    const history = customerKey ? await customerHistory({ shopId, customerKey }) : [];
    return { offers: [], modelVersion: null, experiment: null, historyLines: history.length };
  });
}

export const entry = { module: { maxBodyBytes } };
export const routes = { "routes/api.checkout.offers": { module: { action } } };
export const mode = "production";
