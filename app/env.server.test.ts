import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { parseEnv, serverConfig } from "./env.server";

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

describe("the metrics token", () => {
  it("is unset by default, and refused when short enough to guess", () => {
    expect(parseEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(() => parseEnv({ METRICS_TOKEN: "short-token" })).toThrow(
      /^Invalid environment: METRICS_TOKEN: must be at least 24 characters$/,
    );
    expect(parseEnv({ METRICS_TOKEN: "a".repeat(24) }).METRICS_TOKEN).toBe("a".repeat(24));
  });
});

describe("serverConfig", () => {
  it("runs one worker per CPU unless WEB_CONCURRENCY says how many", () => {
    expect(serverConfig(parseEnv({})).workers).toBe(availableParallelism());
    expect(serverConfig(parseEnv({ WEB_CONCURRENCY: "3" })).workers).toBe(3);
  });

  it("refuses a worker count that is not a whole number of at least 1, on one line", () => {
    for (const value of ["0", "-2", "1.5", "two", ""]) {
      expect(() => parseEnv({ WEB_CONCURRENCY: value }), value).toThrow(
        /^Invalid environment: WEB_CONCURRENCY: must be a whole number of at least 1$/,
      );
    }
  });

  it("takes TRUST_PROXY as a hop count or a list of proxies' addresses and ranges", () => {
    expect(serverConfig(parseEnv({})).trustProxy).toBeUndefined();
    expect(serverConfig(parseEnv({ TRUST_PROXY: "2" })).trustProxy).toBe(2);
    expect(serverConfig(parseEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8,fd00::1" })).trustProxy).toEqual([
      "loopback",
      "10.0.0.0/8",
      "fd00::1",
    ]);
  });

  it("refuses a TRUST_PROXY Express could not read, naming the variable", () => {
    for (const value of ["true", "proxy.internal", "10.0.0.0/33", "10.0.0.1,", "1.2.3"]) {
      expect(() => parseEnv({ TRUST_PROXY: value }), value).toThrow(
        /^Invalid environment: TRUST_PROXY: must be/,
      );
    }
  });

  it("names every wrong variable in one line", () => {
    expect(() => parseEnv({ PORT: "70000", WEB_CONCURRENCY: "0" })).toThrow(
      /^Invalid environment: PORT: .*; WEB_CONCURRENCY: .*$/,
    );
  });
});
