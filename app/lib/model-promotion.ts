import { z } from "zod";

/** A model version's holdout metrics as stored with it; validated whenever they are read back. */
export const HoldoutMetricsSchema = z.object({
  queries: z.number().int().min(0),
  ndcg: z.number().min(0).max(1),
  ndcgStdErr: z.number().min(0),
  hitRate: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
});
export type HoldoutMetrics = z.infer<typeof HoldoutMetricsSchema>;

/** How a note begins when no model was live to compare with (a shop's first model, or after a retirement). */
export const NO_LIVE_MODEL_NOTE = "Promoted with no live model to compare with:";

export interface PromotionDecision {
  promote: boolean;
  note: string;
}

/**
 * A candidate replaces the live model unless it is worse by more than the noise of the two
 * measurements: candidate NDCG >= live NDCG − 2·√(seC² + seL²). Two holdouts of a few hundred
 * checkouts differ by that much by chance alone, so a stricter rule would keep stale models and a
 * looser one would let real regressions through. The live figure is the one from its own promotion,
 * on older orders; a shop whose tastes moved can keep every new model under it. So a candidate
 * under it still goes live when, on the holdout checkouts of orders the live model never saw
 * (`unseen`), it beats the live model by more than the noise: the world changed, not the training.
 * A candidate that merely matches it there (both lost, as on broken data) does not. A live model
 * that holds customers erased since is replaced whatever the numbers: it may no longer be served.
 */
export function decidePromotion({
  candidate,
  live,
}: {
  candidate: HoldoutMetrics;
  live: {
    version: number;
    metrics: HoldoutMetrics;
    /** both models on the holdout checkouts of orders placed after the live model's data */
    unseen?: { candidate: HoldoutMetrics; live: HoldoutMetrics } | null;
    holdsErased?: boolean;
  } | null;
}): PromotionDecision {
  const measured = `NDCG ${formatNdcg(candidate)} on ${candidate.queries} holdout checkouts`;
  // Past tense, like the other notes: the note stays with the version after it is retired.
  if (!live) return { promote: true, note: `${NO_LIVE_MODEL_NOTE} ${measured}.` };
  const noise = 2 * Math.hypot(candidate.ndcgStdErr, live.metrics.ndcgStdErr);
  const floor = live.metrics.ndcg - noise;
  const unseen = live.unseen;
  const onUnseen = unseen
    ? `on the ${unseen.candidate.queries} of them after live v${live.version}'s data, ` +
      `${formatNdcg(unseen.candidate)} vs its ${formatNdcg(unseen.live)}`
    : "";
  const comparison =
    `${measured} vs live v${live.version} ${formatNdcg(live.metrics)}; ` +
    `noise 2·√(seC²+seL²) = ${noise.toFixed(4)}, floor ${floor.toFixed(4)}` +
    (unseen ? `; ${onUnseen}` : "");
  if (candidate.ndcg >= floor) return { promote: true, note: `Promoted: ${comparison}.` };
  if (unseen) {
    const unseenNoise = 2 * Math.hypot(unseen.candidate.ndcgStdErr, unseen.live.ndcgStdErr);
    if (unseen.candidate.ndcg > unseen.live.ndcg + unseenNoise) {
      return {
        promote: true,
        note:
          `Promoted: ${measured}, under live v${live.version}'s ${formatNdcg(live.metrics)} from its own ` +
          `promotion, but better ${onUnseen}, by more than the noise (${unseenNoise.toFixed(4)}): ` +
          `the shop's orders changed.`,
      };
    }
  }
  if (live.holdsErased) {
    return {
      promote: true,
      note: `Promoted although worse, because live v${live.version} was trained on customers erased since: ${comparison}.`,
    };
  }
  return { promote: false, note: `Rejected, worse than the live model beyond noise: ${comparison}.` };
}

function formatNdcg(metrics: HoldoutMetrics): string {
  return `${metrics.ndcg.toFixed(4)} ± ${metrics.ndcgStdErr.toFixed(4)}`;
}
