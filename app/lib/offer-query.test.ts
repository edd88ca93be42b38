import { describe, expect, it } from "vitest";
import { parseOfferQuery } from "./offer-query";

describe("parseOfferQuery", () => {
  it("reads a shopper, a cart and a moment, with numbers taken as ids", () => {
    expect(
      parseOfferQuery(
        '{"id": 7, "customer_id": 17850, "cart": ["85123A", 22423], "at": "2011-12-09T12:50:00Z"}',
      ),
    ).toEqual({
      ok: true,
      query: {
        id: "7",
        customer_id: "17850",
        cart: ["85123A", "22423"],
        at: new Date("2011-12-09T12:50:00Z"),
      },
    });
  });

  it("takes a query without a customer as a guest's, and without a cart as an empty one", () => {
    expect(parseOfferQuery('{"id": "q1"}')).toEqual({ ok: true, query: { id: "q1", cart: [] } });
  });

  it.each([
    ["{", "is not JSON"],
    ['{"cart": []}', "id "],
    ['{"id": "q1", "cart": "85123A"}', "cart "],
    ['{"id": "q1", "cart": [""]}', "cart.0 "],
    ['{"id": "q1", "at": "yesterday-ish"}', "at is not a date"],
  ])("refuses %s, saying why", (line, reason) => {
    const parsed = parseOfferQuery(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
