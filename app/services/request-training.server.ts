import type { Db } from "~/db.server";
import { env } from "~/env.server";
import { ensureQueued } from "~/jobs/queues.server";
import { describeError } from "~/lib/errors";
import { readShopSettings } from "~/lib/shop-settings";
import { logger } from "~/logger.server";
import {
  ordersSinceLastTraining,
  shopsAwaitingErasureTraining,
  shopsWithNewData,
  type TrainingReason,
} from "~/models/training-runs.server";

export function trainingJobId(shopDomain: string, slot: "current" | "next" = "current"): string {
  return slot === "current" ? `train-${shopDomain}` : `train-${shopDomain}-next`;
}

/**
 * Makes sure a training of the shop will start after this call. Triggers collapse: while one
 * training waits, another request changes nothing. While one runs (it may have read its data
 * already), a single follow-up waits in a second slot; the two slots take turns.
 */
export async function requestTraining({
  shopDomain,
  reason,
}: {
  shopDomain: string;
  reason: TrainingReason;
}): Promise<"queued" | "waiting"> {
  const payload = { shopDomain, reason };
  const current = await ensureQueued("train", payload, { jobId: trainingJobId(shopDomain) });
  if (current !== "active") return current;
  const next = await ensureQueued("train", payload, { jobId: trainingJobId(shopDomain, "next") });
  return next === "active" ? "waiting" : next;
}

/**
 * Like requestTraining, for callers whose own work is done and must not fail or hang on Redis: a
 * request that cannot be made within the enqueue timeout is logged and left to the nightly run,
 * which trains every shop whose data changed.
 */
export async function requestTrainingSoon(
  request: { shopDomain: string; reason: TrainingReason },
  ms = env().ENQUEUE_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const requested = requestTraining(request).then(
    () => true,
    (error: unknown) => {
      logger().warn({ shop: request.shopDomain, error: describeError(error) }, "training request failed");
      return false;
    },
  );
  try {
    const done = await Promise.race([requested, timeout]);
    if (!done) logger().warn({ shop: request.shopDomain, reason: request.reason }, "training not requested");
    return done;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * After a new order: once the orders since the last training reach the shop's `retrainAfterOrders`
 * setting, a training is requested. Counts at most that many orders (an index range scan).
 */
export async function requestTrainingAfterOrders(
  database: Db,
  { shopId, shopDomain }: { shopId: string; shopDomain: string },
): Promise<boolean> {
  const shop = await database.shop.findUnique({ where: { id: shopId }, select: { settings: true } });
  if (!shop) return false;
  const { retrainAfterOrders } = readShopSettings(shop.settings);
  const newOrders = await ordersSinceLastTraining(database, { shopId, limit: retrainAfterOrders });
  if (newOrders < retrainAfterOrders) return false;
  return requestTrainingSoon({ shopDomain, reason: "orders" });
}

/** The nightly run: a training for every installed shop whose data changed since its last one. */
export async function requestNightlyTraining(database: Db): Promise<number> {
  const shops = await shopsWithNewData(database);
  for (const shopDomain of shops) await requestTraining({ shopDomain, reason: "nightly" });
  return shops.length;
}

/**
 * For the sweep: a training for every shop with an erasure that no training has started since. The
 * erasure asks for one as soon as it commits (requestTrainingSoon); this makes the request again
 * when Redis lost or never got it, so the live model forgets the customer within minutes, not at night.
 */
export async function requestErasureTraining(
  database: Db,
  { graceMs }: { graceMs: number },
): Promise<number> {
  const shops = await shopsAwaitingErasureTraining(database, { before: new Date(Date.now() - graceMs) });
  for (const shopDomain of shops) await requestTraining({ shopDomain, reason: "redaction" });
  return shops.length;
}
