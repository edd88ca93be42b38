import { describe, expect, it } from "vitest";
import { decidePromotion, type HoldoutMetrics, HoldoutMetricsSchema } from "./model-promotion";

function metrics(ndcg: number, ndcgStdErr: number): HoldoutMetrics {
  return { queries: 400, ndcg, ndcgStdErr, hitRate: 0.5, recall: 0.4 };
}

describe("decidePromotion", () => {
  it("promotes the first model of a shop", () => {
    const decision = decidePromotion({ candidate: metrics(0.1, 0.01), live: null });
    expect(decision).toEqual({
      promote: true,
      note: "Promoted with no live model to compare with: NDCG 0.1000 ± 0.0100 on 400 holdout checkouts.",
    });
  });

  // Standard errors 0.03 and 0.04: noise = 2·√(0.0009 + 0.0016) = 2·0.05 = 0.1, floor = 0.30 − 0.1 = 0.20.
  it("promotes a candidate that is worse by less than the noise, or exactly at the floor", () => {
    const live = { version: 3, metrics: metrics(0.3, 0.04) };
    expect(decidePromotion({ candidate: metrics(0.21, 0.03), live }).promote).toBe(true);
    const atFloor = decidePromotion({ candidate: metrics(0.2, 0.03), live });
    expect(atFloor.promote).toBe(true);
    expect(atFloor.note).toContain("noise 2·√(seC²+seL²) = 0.1000, floor 0.2000");
  });

  it("rejects a candidate worse by more than the noise, with the numbers", () => {
    const decision = decidePromotion({
      candidate: metrics(0.19, 0.03),
      live: { version: 3, metrics: metrics(0.3, 0.04) },
    });
    expect(decision.promote).toBe(false);
    expect(decision.note).toBe(
      "Rejected, worse than the live model beyond noise: NDCG 0.1900 ± 0.0300 on 400 holdout checkouts " +
        "vs live v3 0.3000 ± 0.0400; noise 2·√(seC²+seL²) = 0.1000, floor 0.2000.",
    );
  });

  it("promotes a worse candidate when the live model holds customers erased since, and says so", () => {
    const decision = decidePromotion({
      candidate: metrics(0.19, 0.03),
      live: { version: 3, metrics: metrics(0.3, 0.04), holdsErased: true },
    });
    expect(decision.promote).toBe(true);
    expect(decision.note).toBe(
      "Promoted although worse, because live v3 was trained on customers erased since: NDCG 0.1900 ± 0.0300 " +
        "on 400 holdout checkouts vs live v3 0.3000 ± 0.0400; noise 2·√(seC²+seL²) = 0.1000, floor 0.2000.",
    );
  });

  it("promotes a candidate under the live figure that beats the live model on checkouts it never saw", () => {
    // The shop's tastes moved: on orders after its data the live model does far worse than at promotion.
    const moved = decidePromotion({
      candidate: metrics(0.26, 0.01),
      live: {
        version: 1,
        metrics: metrics(0.45, 0.01),
        unseen: { candidate: metrics(0.26, 0.01), live: metrics(0.13, 0.01) },
      },
    });
    expect(moved).toEqual({
      promote: true,
      note:
        "Promoted: NDCG 0.2600 ± 0.0100 on 400 holdout checkouts, under live v1's 0.4500 ± 0.0100 from its own " +
        "promotion, but better on the 400 of them after live v1's data, 0.2600 ± 0.0100 vs its 0.1300 ± 0.0100, " +
        "by more than the noise (0.0283): the shop's orders changed.",
    });
    // Over the old figure, the unseen checkouts' scores are told too.
    expect(
      decidePromotion({
        candidate: metrics(0.35, 0.01),
        live: {
          version: 2,
          metrics: metrics(0.36, 0.01),
          unseen: { candidate: metrics(0.34, 0.02), live: metrics(0.33, 0.02) },
        },
      }).note,
    ).toBe(
      "Promoted: NDCG 0.3500 ± 0.0100 on 400 holdout checkouts vs live v2 0.3600 ± 0.0100; noise 2·√(seC²+seL²) = " +
        "0.0283, floor 0.3317; on the 400 of them after live v2's data, 0.3400 ± 0.0200 vs its 0.3300 ± 0.0200.",
    );
    // Broken data: the candidate only matches the live model there, both lost.
    const broken = decidePromotion({
      candidate: metrics(0.04, 0.008),
      live: {
        version: 1,
        metrics: metrics(0.45, 0.01),
        unseen: { candidate: metrics(0.04, 0.008), live: metrics(0.041, 0.008) },
      },
    });
    expect(broken.promote).toBe(false);
    expect(broken.note).toMatch(/^Rejected, worse than the live model beyond noise/);
    const barely = decidePromotion({
      candidate: metrics(0.16, 0.01),
      live: {
        version: 1,
        metrics: metrics(0.45, 0.01),
        unseen: { candidate: metrics(0.16, 0.01), live: metrics(0.14, 0.01) },
      },
    });
    expect(barely.promote).toBe(false);
  });

  it("promotes a better candidate however noisy", () => {
    const live = { version: 1, metrics: metrics(0.2, 0) };
    expect(decidePromotion({ candidate: metrics(0.25, 0), live }).promote).toBe(true);
    expect(decidePromotion({ candidate: metrics(0.1999, 0), live }).promote).toBe(false);
  });
});

describe("HoldoutMetricsSchema", () => {
  it("refuses metrics that are not numbers in range", () => {
    expect(HoldoutMetricsSchema.safeParse(metrics(0.2, 0.01)).success).toBe(true);
    expect(HoldoutMetricsSchema.safeParse({ ...metrics(0.2, 0.01), ndcg: Number.NaN }).success).toBe(false);
    expect(HoldoutMetricsSchema.safeParse({ ...metrics(0.2, 0.01), ndcg: 1.5 }).success).toBe(false);
    expect(HoldoutMetricsSchema.safeParse({ ndcg: 0.2 }).success).toBe(false);
  });
});
