import type { ActionFunctionArgs } from "@remix-run/node";
import { InvalidShopError } from "@shopify/shopify-api";
import { db } from "~/db.server";
import { MAX_WEBHOOK_BODY_BYTES } from "~/lib/body-limits";
import { AppError, isAppError } from "~/lib/errors";
import { errorResponse, methodNotAllowed, readBody } from "~/lib/http";
import { recordWebhook } from "~/services/record-webhook.server";
import { shopify } from "~/shopify.server";

/**
 * Every webhook topic (see shopify.app.toml) lands here: read the body up to its limit (413 past it,
 * before any hashing), verify the HMAC (401 when it is wrong, before anything is stored), record the
 * delivery durably, then acknowledge. Processing happens in the ingest worker
 * (app/services/process-webhook.server.ts).
 */
export async function action({ request }: ActionFunctionArgs) {
  try {
    const body = await readBody(request, { maxBytes: MAX_WEBHOOK_BODY_BYTES });
    const webhook = await shopify()
      .authenticate.webhook(
        new Request(request.url, { method: "POST", headers: request.headers, body: new Uint8Array(body) }),
      )
      .catch((error: unknown) => {
        // The signature was valid but the body is not JSON: a client error, never a 5xx.
        if (error instanceof SyntaxError) throw new Response("Body is not valid JSON", { status: 400 });
        // The (unsigned) shop header is not a shop domain.
        if (error instanceof InvalidShopError) throw new AppError("BAD_REQUEST", "Invalid shop domain.");
        throw error;
      });
    await recordWebhook(db(), {
      shop: webhook.shop,
      topic: webhook.topic,
      payload: webhook.payload,
      webhookId: webhook.webhookId ?? null,
      eventId: "eventId" in webhook && typeof webhook.eventId === "string" ? webhook.eventId : null,
      apiVersion: webhook.apiVersion ?? null,
      triggeredAt:
        "triggeredAt" in webhook && typeof webhook.triggeredAt === "string" ? webhook.triggeredAt : null,
    });
  } catch (error) {
    if (isAppError(error)) return errorResponse(error);
    throw error;
  }
  return new Response(null, { status: 200 });
}

export function loader() {
  return methodNotAllowed("POST");
}
