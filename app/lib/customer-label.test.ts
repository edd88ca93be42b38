import { describe, expect, it } from "vitest";
import { customerLabel } from "./customer-label";

describe("customerLabel", () => {
  it("names a customer by the start of their key, their orders and their last order's day", () => {
    const label = customerLabel({
      customerKey: "3f2a9cQ1xYz-_abcdefghijklmnopqr",
      orders: 12,
      lastOrderAt: new Date("2011-12-05T23:30:00Z"),
    });
    expect(label).toBe("Customer 3f2a9c… · 12 orders · last Dec 5, 2011");
  });

  it("counts one order as one, and leaves out an unknown last day", () => {
    expect(
      customerLabel({ customerKey: "abcdefgh", orders: 1, lastOrderAt: "2026-10-31T10:00:00.000Z" }),
    ).toBe("Customer abcdef… · 1 order · last Oct 31, 2026");
    expect(customerLabel({ customerKey: "abcdefgh", orders: 0, lastOrderAt: null })).toBe(
      "Customer abcdef… · 0 orders",
    );
  });
});
