import { db } from "~/db.server";
import { describeError } from "~/lib/errors";
import { logger } from "~/logger.server";
import { markOffersFirstRequested } from "~/models/shops.server";

/**
 * Shops whose first offers request this process has recorded (or found recorded). Bounded by the
 * installed shops; a shop the UPDATE did not find is remembered too, since it has nothing to mark.
 */
const recorded = new Set<string>();
/** How long after a failed write the next request may try again. */
const RETRY_AFTER_MS = 60_000;

/**
 * Notes that a checkout block or the app proxy asked for a shop's offers, which completes the
 * setup's last step. Called on the offers request path, so it never waits and never fails: the
 * first call per shop and process starts one conditional UPDATE in the background, later calls do
 * nothing. A failed write is logged and tried again by a request a minute later.
 */
export function recordOffersRequest(shopDomain: string): void {
  if (recorded.has(shopDomain)) return;
  recorded.add(shopDomain);
  // Started from a resolved promise, so even a synchronous throw (the database client failing to
  // start) ends in the handler below, never in the request.
  Promise.resolve()
    .then(() => markOffersFirstRequested(db(), shopDomain))
    .then(
      (first) => {
        if (first) logger().info({ shop: shopDomain }, "first offers request recorded");
      },
      (error: unknown) => {
        // Tried again by a request after a pause: while the database is away, requests keep being
        // answered from cache and must not each start a write that waits on it.
        setTimeout(() => recorded.delete(shopDomain), RETRY_AFTER_MS).unref();
        logger().warn({ shop: shopDomain, error: describeError(error) }, "first offers request not recorded");
      },
    );
}
