import { describe, expect, it } from "vitest";
import type { ModelHealth } from "~ml";
import { healthAlerts } from "./model-health";

const steady: ModelHealth = {
  recentOrders: 400,
  queries: 300,
  ndcg: 0.33,
  ndcgStdErr: 0.015,
  unknownShare: 0.05,
  categoryPsi: 0.03,
};
const holdout = { ndcg: 0.35, ndcgStdErr: 0.015 };

describe("health alerts", () => {
  it("stays quiet while the model holds up and the orders look as they did", () => {
    expect(healthAlerts(steady, holdout)).toEqual([]);
  });

  it("calls a decay only when the drop is large and beyond the noise of both measurements", () => {
    expect(healthAlerts({ ...steady, ndcg: 0.25 }, holdout).map((a) => a.kind)).toEqual(["decay"]);
    // As large a drop, measured on a handful of checkouts: noise.
    expect(healthAlerts({ ...steady, ndcg: 0.25, ndcgStdErr: 0.06 }, holdout)).toEqual([]);
    expect(healthAlerts({ ...steady, ndcg: 0.1, queries: 20 }, holdout)).toEqual([]);
    // Beyond noise but small.
    expect(
      healthAlerts({ ...steady, ndcg: 0.31, ndcgStdErr: 0.002 }, { ndcg: 0.35, ndcgStdErr: 0.002 }),
    ).toEqual([]);
    expect(healthAlerts({ ...steady, ndcg: 0.1 }, null)).toEqual([]);
    expect(healthAlerts({ ...steady, ndcg: 0.25 }, holdout)[0]!.message).toBe(
      "The live model ranks recent checkouts worse than when it went live: NDCG@10 0.250 on 300 checkouts since its data, against 0.350 at promotion (-29%).",
    );
  });

  it("calls drift on products the model never saw and on a shifted category mix, given enough orders", () => {
    const drifted = { ...steady, unknownShare: 0.4, categoryPsi: 0.3 };
    expect(healthAlerts(drifted, holdout).map((a) => a.kind)).toEqual(["unknown-products", "category-shift"]);
    expect(healthAlerts({ ...drifted, recentOrders: 20 }, holdout)).toEqual([]);
    expect(healthAlerts(drifted, holdout)[0]!.message).toBe(
      "40% of the 400 orders since the model's data hold products it has never seen.",
    );
  });
});
