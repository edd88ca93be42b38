import type { OfferEvent } from "@checkout-upsell-ai/checkout-contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEventQueue } from "./events";

function event(offerId: string): OfferEvent {
  return { type: "impression", offerId, surface: "checkout", at: "2026-11-22T10:00:00.000Z" };
}

describe("createEventQueue", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the events of an interval together, once the interval has passed", async () => {
    const send = vi.fn(async (_events: OfferEvent[]) => {});
    const queue = createEventQueue({ send, intervalMs: 3_000 });
    queue.push(event("a"));
    await vi.advanceTimersByTimeAsync(2_000);
    queue.push(event("b"));
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0].map((item) => item.offerId)).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("sends a full batch at once and never more than the batch size in one request", async () => {
    const send = vi.fn(async (_events: OfferEvent[]) => {});
    const queue = createEventQueue({ send, maxBatch: 50 });
    for (let index = 0; index < 120; index++) queue.push(event(`o${index}`));
    expect(send.mock.calls.map(([events]) => events.length)).toEqual([50, 50]);
    await queue.close();
    expect(send.mock.calls.map(([events]) => events.length)).toEqual([50, 50, 20]);
  });

  it("sends what is left on close, then ignores later events", async () => {
    const send = vi.fn(async (_events: OfferEvent[]) => {});
    const queue = createEventQueue({ send });
    queue.push(event("a"));
    await queue.close();
    queue.push(event("b"));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(send.mock.calls.map(([events]) => events.map((item) => item.offerId))).toEqual([["a"]]);
  });

  it("drops a batch that fails and carries on", async () => {
    const send = vi.fn(async (_events: OfferEvent[]) => {
      throw new Error("offline");
    });
    const queue = createEventQueue({ send, intervalMs: 100 });
    queue.push(event("a"));
    await vi.advanceTimersByTimeAsync(100);
    queue.push(event("b"));
    await expect(queue.close()).resolves.toBeUndefined();
    expect(send.mock.calls.map(([events]) => events.map((item) => item.offerId))).toEqual([["a"], ["b"]]);
  });
});
