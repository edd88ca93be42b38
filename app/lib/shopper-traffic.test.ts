import { describe, expect, it } from "vitest";
import { createRng } from "~ml";
import {
  checkoutTime,
  dailyCheckouts,
  offerResponse,
  replayCheckout,
  type ServedOffer,
} from "./shopper-traffic";

const SATURDAY = Date.UTC(2026, 10, 7);
const TUESDAY = Date.UTC(2026, 10, 10);

function mean(draw: () => number, times = 2_000) {
  let sum = 0;
  for (let i = 0; i < times; i++) sum += draw();
  return sum / times;
}

describe("daily checkouts", () => {
  it("are busier at weekends than midweek, and vary from day to day", () => {
    const rng = createRng(1);
    const saturday = mean(() => dailyCheckouts(100, SATURDAY, rng));
    const tuesday = mean(() => dailyCheckouts(100, TUESDAY, rng));
    expect(saturday / tuesday).toBeGreaterThan(1.4);
    const week = Array.from({ length: 7 }, () => dailyCheckouts(100, TUESDAY, rng));
    expect(new Set(week).size).toBeGreaterThan(3);
  });

  it("fall within their day, busier in the evening than at night", () => {
    const rng = createRng(2);
    const hours = Array.from({ length: 5_000 }, () => checkoutTime(TUESDAY, rng).getTime() - TUESDAY);
    expect(hours.every((ms) => ms >= 0 && ms < 86_400_000)).toBe(true);
    const evening = hours.filter((ms) => ms >= 19 * 3_600_000 && ms < 20 * 3_600_000).length;
    const night = hours.filter((ms) => ms >= 3 * 3_600_000 && ms < 4 * 3_600_000).length;
    expect(evening).toBeGreaterThan(5 * night);
  });
});

describe("a shopper's response to an offer", () => {
  const takeRate = (options: Parameters<typeof offerResponse>[0]) => {
    const rng = createRng(3);
    return mean(() => (offerResponse(options, rng) === "kept" ? 1 : 0), 40_000);
  };
  const base = { surface: "checkout" as const, rank: 0, liked: false, discountPercent: 0 };

  it("takes a discounted, liked or higher offer more often", () => {
    expect(takeRate({ ...base, discountPercent: 10 })).toBeGreaterThan(1.3 * takeRate(base));
    expect(takeRate({ ...base, liked: true })).toBeGreaterThan(1.8 * takeRate(base));
    expect(takeRate({ ...base, rank: 2 })).toBeLessThan(0.7 * takeRate(base));
  });
});

describe("a replayed checkout", () => {
  const offer: ServedOffer = {
    offerId: "o2.test",
    productId: "42",
    modelVersion: 3,
    price: "12.00",
    discountPercent: 10,
    experiment: { id: "abcd", variant: 0 },
  };
  const replay = (surface: "checkout" | "thank-you", seed: number) => {
    let n = 0;
    return replayCheckout(
      {
        offers: [offer],
        surface,
        servedAt: new Date(SATURDAY + 3_600_000),
        customerKey: "c1",
        liked: new Set(["42"]),
        cart: [{ productId: "7", title: "Beans", quantity: 2, unitPrice: "9.50" }],
        currency: "USD",
        orderId: () => `sim-${++n}`,
      },
      createRng(seed),
    );
  };

  it("puts a kept offer on the checkout's order, with its offer id, after the events", () => {
    const kept = Array.from({ length: 400 }, (_, seed) => replay("checkout", seed)).find(
      (result) => result.offerOrders === 1,
    )!;
    expect(kept.events.map((event) => event.type)).toEqual(["impression", "click", "add"]);
    expect(kept.events[0]).toMatchObject({ discountPercent: 10, experimentId: "abcd", variant: 0 });
    expect(kept.orders).toHaveLength(1);
    expect(kept.orders[0]!.lines.map((line) => [line.productId, line.offerId])).toEqual([
      ["7", null],
      ["42", "o2.test"],
    ]);
    expect(Date.parse(kept.orders[0]!.orderedAt!)).toBeGreaterThan(kept.events[2]!.occurredAt.getTime());
  });

  it("on a thank-you page follows the order already placed, and a taken offer makes a second order", () => {
    const results = Array.from({ length: 400 }, (_, seed) => replay("thank-you", seed));
    expect(results.every((result) => result.orders[0]!.lines[0]!.productId === "7")).toBe(true);
    const taken = results.find((result) => result.offerOrders === 1)!;
    expect(taken.orders.map((order) => order.lines.map((line) => line.productId))).toEqual([["7"], ["42"]]);
  });
});
