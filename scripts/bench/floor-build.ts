/**
 * The offers bench's request floor: a server build for server.mjs (SERVER_BUILD, run with tsx). It
 * is the app's own build (build/server/index.js, which the bench builds first), served through
 * Express and Remix like the real one, with one difference: its offers route's action does
 * everything the real one must before it can rank, and nothing after. The session token is checked,
 * the CORS headers set, the body read and validated, the shop looked up once per process and a
 * logged-in shopper's history read, and it answers with no offers. Its throughput bounds what any
 * ranking could reach on the machine.
 */
import type { ActionFunctionArgs, ServerBuild } from "@remix-run/node";
import { db } from "~/db.server";
import { handleCheckoutRequest } from "~/lib/checkout-api.server";
import { AppError } from "~/lib/errors";
import { parseInput, readJsonBody } from "~/lib/http";
import { MAX_OFFERS_REQUEST_BYTES, OffersRequestSchema } from "~/lib/offers";
import { servingPointer, shopperOrders } from "~/models/serving-data.server";

const OFFERS_ROUTE = "routes/api.checkout.offers";

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
    const history = customerKey ? (await shopperOrders({ shopId, customerKey, at: new Date() })).history : [];
    return { offers: [], modelVersion: null, experiment: null, historyLines: history.length };
  });
}

const app: ServerBuild = await import(new URL("../../build/server/index.js", import.meta.url).href);
const offers = app.routes[OFFERS_ROUTE];
if (!offers) throw new Error(`The app's build has no ${OFFERS_ROUTE}`);

// Every route, the root and the entry are the app's; the offers route keeps its id, parent, path
// and preflight loader, with the floor's action.
export const routes: ServerBuild["routes"] = {
  ...app.routes,
  [OFFERS_ROUTE]: { ...offers, module: { ...offers.module, action } },
};
export const { assets, assetsBuildDirectory, basename, entry, future, isSpaMode, mode, publicPath } = app;
