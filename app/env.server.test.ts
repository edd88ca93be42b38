import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

describe("parseEnv", () => {
  it("takes the defaults when nothing is set", () => {
    const parsed = parseEnv({});
    expect(parsed.RUN_STALE_MS).toBeGreaterThanOrEqual(3 * parsed.BULK_POLL_INTERVAL_MS);
  });

  it("refuses a stale window that a bulk import's polling could outlast", () => {
    // An import beats its heartbeat once per poll: a window of less than three polls closes a live one.
    expect(() => parseEnv({ RUN_STALE_MS: "60000", BULK_POLL_INTERVAL_MS: "60000" })).toThrow(
      /RUN_STALE_MS: must be at least 3 × BULK_POLL_INTERVAL_MS \(180000\)/,
    );
    expect(() => parseEnv({ RUN_STALE_MS: "20000", BULK_POLL_INTERVAL_MS: "7000" })).toThrow(/RUN_STALE_MS/);
    expect(parseEnv({ RUN_STALE_MS: "21000", BULK_POLL_INTERVAL_MS: "7000" }).RUN_STALE_MS).toBe(21_000);
  });
});
