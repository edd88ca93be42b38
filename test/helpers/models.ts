import pino from "pino";
import { expect } from "vitest";
import { db } from "~/db.server";
import { trainShopModel } from "~/services/train-shop-model.server";

/** Trains the shop's model in the test's process and expects it to go live; its version. */
export async function trainLiveModel(shopDomain: string): Promise<number> {
  const outcome = await trainShopModel(db(), {
    shopDomain,
    reason: "manual",
    log: pino({ level: "silent" }),
    keep: 10,
  });
  expect(outcome.status).toBe("live");
  return outcome.version!;
}
