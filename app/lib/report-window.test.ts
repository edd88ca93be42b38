import { describe, expect, it } from "vitest";
import { reportWindow } from "./report-window";

const now = new Date("2026-11-22T17:30:00Z");
const windowOf = (query: string) => reportWindow(new URLSearchParams(query), now);

describe("reportWindow", () => {
  it("ends a preset today, in whole UTC days", () => {
    const { window, problem } = windowOf("range=7&surface=thank-you");
    expect(problem).toBeNull();
    expect(window.since.toISOString()).toBe("2026-11-16T00:00:00.000Z");
    expect(window.until.toISOString()).toBe("2026-11-23T00:00:00.000Z");
    expect(window.days).toEqual([
      "2026-11-16",
      "2026-11-17",
      "2026-11-18",
      "2026-11-19",
      "2026-11-20",
      "2026-11-21",
      "2026-11-22",
    ]);
    expect(window.surface).toBe("thank-you");
  });

  it("takes custom first and last days, both included", () => {
    const { window } = windowOf("range=custom&from=2026-10-30&to=2026-11-02");
    expect(window.days).toEqual(["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]);
    expect(window.surface).toBeNull();
  });

  it("falls back to the last 30 days and says why", () => {
    const reversed = windowOf("range=custom&from=2026-11-10&to=2026-11-01");
    expect(reversed.problem).toBe("The first day must not be after the last day");
    expect(reversed.window.days).toHaveLength(30);
    const bad = windowOf("range=custom&from=2026-13-45");
    expect(bad.problem).toMatch(/^from must be/);
    expect(bad.window.days).toHaveLength(30);
    expect(windowOf("range=custom&from=2024-01-01&to=2026-01-01").problem).toBe(
      "A report covers at most 366 days",
    );
  });
});
