import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { describeError } from "~/lib/errors";
import { logger } from "~/logger.server";
import { createRedis, requestRedis } from "~/redis.server";
import { loadShopState, type ShopState } from "./shop-state.server";
import { type Clock, StateCache } from "./state-cache";

const MAX_SHOPS = 1_000;
/** Marks this process's announcements, so it does not reload again when Redis echoes them back. */
const ANNOUNCER = randomUUID();

let states: StateCache<ShopState> | undefined;
let subscriber: Redis | undefined;
let clock: Clock = Date.now;

/** The channel on which every process hears of a shop whose serving state changed. */
function channel(): string {
  return `${env().QUEUE_PREFIX}:serving-changed`;
}

/**
 * The process's serving states, one per shop: what checkout reads is loaded once and refreshed
 * every RECOMMEND_REFRESH_MS in the background, and at once in every process when a change is
 * announced (announceServingChange).
 */
function servingStates(): StateCache<ShopState> {
  if (states) return states;
  states = new StateCache<ShopState>({
    load: (shopDomain, previous) => loadShopState(db(), shopDomain, previous),
    clock: () => clock(),
    refreshMs: env().RECOMMEND_REFRESH_MS,
    maxKeys: MAX_SHOPS,
    onRefreshError: (shop, error) =>
      logger().error({ shop, error: describeError(error) }, "serving state refresh failed"),
  });
  listenForChanges(states);
  return states;
}

function listenForChanges(cache: StateCache<ShopState>): void {
  subscriber = createRedis("worker");
  subscriber.subscribe(channel()).catch((error: unknown) => {
    // Serving goes on: states are still refreshed every RECOMMEND_REFRESH_MS.
    logger().warn({ error: describeError(error) }, "serving changes not subscribed");
  });
  // "<shop domain> <announcer>"; a bare domain (an operator's PUBLISH) is heard too.
  subscriber.on("message", (_channel: string, message: string) => {
    const [shopDomain, announcer] = message.split(" ");
    if (shopDomain && announcer !== ANNOUNCER) void cache.invalidate(shopDomain);
  });
}

/** A shop's serving state; null: no such installed shop. */
export function servingState(shopDomain: string): Promise<ShopState | null> {
  return servingStates().get(shopDomain);
}

/**
 * Tells every server that what a shop's checkouts read changed (settings, catalog, collections, the
 * live model, a paused arm). Every process reloads the shop at once, serving the previous state
 * until the new one is loaded; this one has it when this returns. Never fails its caller: without
 * Redis, other servers see the change within RECOMMEND_REFRESH_MS.
 */
export async function announceServingChange(shopDomain: string): Promise<void> {
  const announced = requestRedis()
    .publish(channel(), `${shopDomain} ${ANNOUNCER}`)
    .catch((error: unknown) => {
      logger().warn({ shop: shopDomain, error: describeError(error) }, "serving change not announced");
    });
  await Promise.all([states?.invalidate(shopDomain), announced]);
}

/** Forgets every state and stops listening (the end of a test file, or of the process). */
export function closeServing(): void {
  subscriber?.disconnect();
  subscriber = undefined;
  states?.clear();
  states = undefined;
}

/** Tests move time by hand: serving's refresh policy reads this clock. */
export function setServingClock(next: Clock): void {
  clock = next;
}
