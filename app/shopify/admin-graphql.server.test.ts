import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AdminThrottledError, adminGraphql } from "./admin-graphql.server";

const Schema = z.object({ ok: z.boolean() });

function cost(currentlyAvailable: number) {
  return { cost: { throttleStatus: { maximumAvailable: 100, currentlyAvailable, restoreRate: 50 } } };
}

const THROTTLED = { errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] };

/** A client answering the given bodies in turn, on a clock that only waits move. */
function setUp(bodies: unknown[]) {
  let clock = 0;
  const waits: number[] = [];
  const calls: number[] = [];
  const graphql = async () => {
    calls.push(clock);
    return Response.json(bodies.shift());
  };
  const admin = adminGraphql(graphql, {
    backoffMs: 1_000,
    maxAttempts: 3,
    now: () => clock,
    wait: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
  });
  return { admin, waits, calls };
}

describe("adminGraphql", () => {
  it("waits until the bucket, refilled at its restore rate, holds the call's cost", async () => {
    const { admin, waits } = setUp([
      { data: { ok: true }, extensions: cost(4) },
      { data: { ok: true }, extensions: cost(90) },
      { data: { ok: true }, extensions: cost(90) },
    ]);
    await admin.request("{ a }", { cost: 10, schema: Schema });
    // 4 points left, 10 needed, 50 a second: 120 ms.
    await expect(admin.request("{ a }", { cost: 10, schema: Schema })).resolves.toEqual({ ok: true });
    await admin.request("{ a }", { cost: 10, schema: Schema });
    expect(waits).toEqual([120]);
    expect(admin.bucket).toMatchObject({ currentlyAvailable: 90 });
  });

  it("retries a THROTTLED answer with exponential backoff, then gives up for the job to retry", async () => {
    const first = setUp([
      { ...THROTTLED, extensions: cost(0) },
      { data: { ok: true }, extensions: cost(50) },
    ]);
    await expect(first.admin.request("{ a }", { cost: 10, schema: Schema })).resolves.toEqual({ ok: true });
    // The bucket said 200 ms; the backoff asks at least a second.
    expect(first.waits).toEqual([1_000]);

    const refused = setUp([THROTTLED, THROTTLED, THROTTLED]);
    await expect(refused.admin.request("{ a }", { cost: 10, schema: Schema })).rejects.toBeInstanceOf(
      AdminThrottledError,
    );
    expect(refused.waits).toEqual([1_000, 2_000]);
  });

  it("throws other GraphQL errors and unexpected data at once", async () => {
    const { admin, calls } = setUp([
      { errors: [{ message: "Field 'x' doesn't exist" }] },
      { data: { ok: "yes" } },
    ]);
    await expect(admin.request("{ x }", { cost: 1, schema: Schema })).rejects.toThrow(/Field 'x'/);
    await expect(admin.request("{ a }", { cost: 1, schema: Schema })).rejects.toThrow();
    expect(calls).toHaveLength(2);
  });
});
