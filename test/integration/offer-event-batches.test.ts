import { beforeAll, describe, expect, it } from "vitest";
import { db } from "~/db.server";
import { insertShopsOfferEvents } from "~/models/offer-events.server";
import { buildImpression } from "../helpers/factories";
import { isolateIntegration } from "../helpers/integration";

isolateIntegration();

const SHOPS = ["batch-a.myshopify.com", "batch-b.myshopify.com"];
beforeAll(async () => {
  for (const domain of SHOPS) await db().shop.create({ data: { domain } });
});

const impression = (offerId: string) => buildImpression(offerId, new Date("2026-12-01T00:00:00Z"));

describe("batched offer event writes", () => {
  it("never deadlock when two servers write the same offers' events in opposite orders", async () => {
    for (let round = 0; round < 5; round++) {
      // Several requests per batch, as two servers gather them in different arrival orders.
      const requests = SHOPS.flatMap((shopDomain) =>
        Array.from({ length: 4 }, (_, request) => ({
          shopDomain,
          events: Array.from({ length: 100 }, (_, n) => impression(`r${round}-q${request}-o${n}`)),
        })),
      );
      const reversed = [...requests]
        .reverse()
        .map((entry) => ({ ...entry, events: [...entry.events].reverse() }));
      const outcomes = await Promise.allSettled([
        insertShopsOfferEvents(requests),
        insertShopsOfferEvents(reversed),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled"]);
    }
    expect(await db().offerEvent.count()).toBe(5 * 2 * 4 * 100);
  });
});
