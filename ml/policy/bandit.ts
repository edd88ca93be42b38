import { type Rng, shuffleInPlace } from "../data/random";
import { sampleBeta } from "./sampling";

/**
 * Which of the ranker's candidates a checkout shows: Thompson sampling on each offer's take rate, kept
 * to the ranker's best candidates so exploring never shows an irrelevant offer, plus a small uniformly
 * random slice whose impressions give an unbiased sample for evaluating other policies offline.
 */

export interface BanditCandidate {
  id: string;
  /** the ranker's score; higher is more relevant */
  relevance: number;
  /** money earned when the offer is taken; when every candidate has one, rewards are take × margin */
  margin?: number;
}

export interface ArmStats {
  impressions: number;
  takes: number;
}

export interface ExploreOptions {
  /** share of checkouts whose offers are drawn uniformly from the eligible candidates, default 0.05 */
  randomShare?: number;
  /** only the ranker's top M candidates are eligible, default 5 */
  topM?: number;
  /** and only those scoring at least this fraction of the best score (when it is positive), default 0.5 */
  minRelevanceRatio?: number;
  /** Beta prior on every take rate, default 1 take and 1 miss (uniform) */
  priorTakes?: number;
  priorMisses?: number;
}

export interface ChosenOffer {
  id: string;
  relevance: number;
  /** posterior mean take rate */
  takeRate: number;
  /** the sampled reward that ranked it (take rate, × margin when weighted); 0 in the random slice */
  score: number;
}

export interface OfferChoice {
  chosen: ChosenOffer[];
  /** true when the offers were drawn uniformly: log it, these impressions evaluate policies without bias */
  randomized: boolean;
  /** how many candidates were eligible: in the random slice each had probability k / eligible */
  eligible: number;
}

export const DEFAULT_EXPLORE: Required<ExploreOptions> = {
  randomShare: 0.05,
  topM: 5,
  minRelevanceRatio: 0.5,
  priorTakes: 1,
  priorMisses: 1,
};

/** The ranker's best candidates, best first: within the top M and close enough to the best score. */
export function eligibleCandidates<C extends BanditCandidate>(
  candidates: readonly C[],
  options: Pick<ExploreOptions, "topM" | "minRelevanceRatio"> = {},
): C[] {
  const topM = options.topM ?? DEFAULT_EXPLORE.topM;
  const ratio = options.minRelevanceRatio ?? DEFAULT_EXPLORE.minRelevanceRatio;
  const seen = new Set<string>();
  const ranked = candidates
    .filter((c) => Number.isFinite(c.relevance))
    .sort((a, b) => b.relevance - a.relevance)
    .filter((c) => !seen.has(c.id) && seen.add(c.id))
    .slice(0, Math.max(topM, 0));
  const best = ranked[0]?.relevance ?? 0;
  // A ratio of a negative or zero best score means nothing: then only the top M applies.
  return best > 0 ? ranked.filter((c) => c.relevance >= ratio * best) : ranked;
}

export function chooseOffers(input: {
  candidates: readonly BanditCandidate[];
  stats: ReadonlyMap<string, ArmStats>;
  k: number;
  rng: Rng;
  explore?: ExploreOptions;
}): OfferChoice {
  const { candidates, stats, rng } = input;
  const options = { ...DEFAULT_EXPLORE, ...input.explore };
  const eligible = eligibleCandidates(candidates, options);
  const k = Math.min(Math.max(Math.floor(input.k), 0), eligible.length);
  const posterior = (id: string) => {
    const arm = stats.get(id);
    const impressions = Math.max(arm?.impressions ?? 0, 0);
    const takes = Math.min(Math.max(arm?.takes ?? 0, 0), impressions);
    return { a: options.priorTakes + takes, b: options.priorMisses + impressions - takes };
  };
  const takeRate = (id: string) => {
    const { a, b } = posterior(id);
    return a / (a + b);
  };

  // Always draw the coin first, so a seed gives the same sequence whatever the outcome.
  if (rng() < options.randomShare) {
    const picked = shuffleInPlace(rng, [...eligible]).slice(0, k);
    return {
      chosen: picked.map((c) => ({ id: c.id, relevance: c.relevance, takeRate: takeRate(c.id), score: 0 })),
      randomized: true,
      eligible: eligible.length,
    };
  }
  const weighted = eligible.length > 0 && eligible.every((c) => Number.isFinite(c.margin));
  const scored = eligible.map((c) => {
    const { a, b } = posterior(c.id);
    const draw = sampleBeta(rng, a, b);
    return { candidate: c, score: weighted ? draw * c.margin! : draw };
  });
  // Stable sort: equal scores keep the ranker's order.
  scored.sort((x, y) => y.score - x.score);
  return {
    chosen: scored.slice(0, k).map(({ candidate, score }) => ({
      id: candidate.id,
      relevance: candidate.relevance,
      takeRate: takeRate(candidate.id),
      score,
    })),
    randomized: false,
    eligible: eligible.length,
  };
}
