import { describe, expect, it } from "vitest";
import { DISCOUNT_HISTORIES, discountHistoryOf } from "~ml";
import { contextCode, contextOfCode } from "./discount-history";
import { SEGMENT_CODES, SEGMENTS, type Segment } from "./segments";

/** The segments whose shoppers have past orders, and so may have a discount history. */
const WITH_ORDERS: Segment[] = ["returning", "vip", "lapsing", "lapsed"];

describe("discount history", () => {
  it("is unknown without an order whose discounts are known, never at none discounted", () => {
    expect(discountHistoryOf({ known: 0, discounted: 0 })).toBeNull();
    expect(discountHistoryOf({ known: 1, discounted: 0 })).toBe("never");
    expect(discountHistoryOf({ known: 12, discounted: 0 })).toBe("never");
  });

  it("is sometimes below half the known orders discounted, and mostly from half on", () => {
    expect(discountHistoryOf({ known: 3, discounted: 1 })).toBe("sometimes");
    expect(discountHistoryOf({ known: 2, discounted: 1 })).toBe("mostly");
    expect(discountHistoryOf({ known: 3, discounted: 2 })).toBe("mostly");
    expect(discountHistoryOf({ known: 1, discounted: 1 })).toBe("mostly");
  });
});

describe("shopper context codes in offer ids", () => {
  it("give every segment and history of a shopper with orders a letter of its own that reads back", () => {
    const codes = new Set<string>();
    for (const segment of WITH_ORDERS) {
      for (const discountHistory of DISCOUNT_HISTORIES) {
        const code = contextCode(segment, discountHistory);
        expect(code, `${segment} ${discountHistory}`).toMatch(/^[a-z]$/);
        codes.add(code);
        expect(contextOfCode(code)).toEqual({ segment, discountHistory });
      }
    }
    expect(codes.size).toBe(WITH_ORDERS.length * DISCOUNT_HISTORIES.length);
    // Nor is any of them a segment's own letter: ids signed before the history read as before.
    for (const code of Object.values(SEGMENT_CODES)) expect(codes.has(code), code).toBe(false);
  });

  it("read a segment's own letter, as ids signed before the history carry it, with no history", () => {
    expect(SEGMENTS).toHaveLength(6);
    for (const segment of SEGMENTS) {
      expect(contextOfCode(SEGMENT_CODES[segment])).toEqual({ segment, discountHistory: null });
      expect(contextCode(segment, null)).toBe(SEGMENT_CODES[segment]);
    }
  });

  it("give guests and first orders their segment's letter, whatever history is passed", () => {
    for (const segment of ["guest", "first-order"] as const) {
      for (const discountHistory of DISCOUNT_HISTORIES) {
        expect(contextCode(segment, discountHistory)).toBe(SEGMENT_CODES[segment]);
      }
    }
  });

  it("read an unknown letter as no context, and an unknown segment as 0", () => {
    for (const code of ["z", "0", "", "R", "ab"]) {
      expect(contextOfCode(code), code).toEqual({ segment: null, discountHistory: null });
    }
    expect(contextCode(null, null)).toBe("0");
    expect(contextCode(null, "mostly")).toBe("0");
  });
});
