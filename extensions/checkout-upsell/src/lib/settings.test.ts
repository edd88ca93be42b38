import { describe, expect, it } from "vitest";
import { readSettings } from "./settings";

describe("readSettings", () => {
  it("has defaults while the merchant has set nothing", () => {
    expect(readSettings({})).toEqual({ heading: null, offerCount: 2 });
    expect(readSettings({ heading: "  " })).toEqual({ heading: null, offerCount: 2 });
  });

  it("keeps the merchant's heading and keeps the count between 1 and 4", () => {
    expect(readSettings({ heading: " Treat yourself ", offer_count: 3 })).toEqual({
      heading: "Treat yourself",
      offerCount: 3,
    });
    expect(readSettings({ offer_count: 9 }).offerCount).toBe(4);
    expect(readSettings({ offer_count: 0 }).offerCount).toBe(1);
    expect(readSettings({ offer_count: "4" }).offerCount).toBe(4);
    expect(readSettings({ offer_count: 2.5 }).offerCount).toBe(2);
    expect(readSettings({ offer_count: true }).offerCount).toBe(2);
  });
});
