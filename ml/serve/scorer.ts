import type { History } from "../data/history";
import { scorePersonal } from "../train/buy-again";
import { maxAbs, TIE_BREAK } from "../train/decay";
import type { HybridParams, Parts } from "../train/hybrid-parts";
import { SIGNALS, type Signal, type Weights } from "../train/hybrid-tuning";
import type { Ranker } from "../train/ranker";
import type { Offer, Reason } from "../train/reasons";
import { type Query, topK } from "../train/recommender";
import { maxAbsOver, type Support, Touched } from "../train/support";
import {
  type Conditional,
  computeLinks,
  emptyConditional,
  emptyLinks,
  FEATURES,
  fillItemFeatures,
  fillLinkFeatures,
  fillQueryFeatures,
  LINK_FEATURES_AT,
  type Links,
  NOWHERE,
} from "./features";

/** lifts ranked candidates above the rest whatever the ranker's scale */
const RANKED_OFFSET = 1e4;
/** the candidates, best by weighted sum, that the ranker reorders */
export const RANKED_CANDIDATES = 50;
/**
 * The best-selling products every checkout's pool holds besides what its lists name: enough that
 * the ranked candidates are the catalog's best by weighted sum even for a cart whose lists name
 * nothing, since outside the pool the sum is popularity's alone (and, in a model with a
 * factorization, that signal's below its best 50).
 */
const POPULAR_HEAD = 2 * RANKED_CANDIDATES;

/** The signals read from per-product lists: a checkout touches only the products they name. */
type Listed =
  | "easeCart"
  | "easeHistory"
  | "easeUser"
  | "coPurchase"
  | "coCustomer"
  | "coRecent"
  | "content"
  | "buyAgain";
const LISTED: readonly Listed[] = [
  "easeCart",
  "easeHistory",
  "easeUser",
  "coPurchase",
  "coCustomer",
  "coRecent",
  "content",
  "buyAgain",
];

/**
 * What ranking one checkout writes: catalog-sized buffers reused from one checkout to the next, so
 * a checkout allocates nothing the size of the catalog. A scorer hands one to each call at a time.
 */
export interface Scratch {
  buffers: Record<Signal, Float32Array>;
  /** each signal's maximum before scaling, for the query */
  scales: Float32Array;
  /** 1 / each signal's scale (1 for a silent signal) */
  inverses: Float64Array;
  /** whether the buffers hold scaled values (computeSignals' scaleBuffers) */
  buffersScaled: boolean;
  /** where each signal may be non-zero for the query; null: anywhere */
  supports: Record<Signal, Support | null>;
  touched: Record<Listed, Touched>;
  /**
   * The products a checkout ranks: every product a listed signal names for it, the popular head and
   * the factorization's best. The word affinity is computed over them only; its buffer is zero
   * elsewhere.
   */
  pool: Touched;
  /** whether the popularity buffer was scaled in place, so the next checkout copies it anew */
  popularityScaled: boolean;
  links: Links;
  conditional: Conditional;
  /** the ranked candidates' features, a row each, and their scores */
  candidateRows: Float32Array;
  candidateScores: Float64Array;
  scores: Float32Array;
  /** the word-affinity signal's per-word profile of the cart */
  wordProfile: Float32Array;
}

function createScratch(parts: Parts): Scratch {
  const n = parts.popularity.scores.length;
  const buffers = {} as Record<Signal, Float32Array>;
  for (const signal of SIGNALS) buffers[signal] = new Float32Array(n);
  buffers.popularity.set(parts.popularity.scores);
  const touched = {} as Record<Listed, Touched>;
  for (const signal of LISTED) touched[signal] = new Touched();
  return {
    buffers,
    scales: new Float32Array(SIGNALS.length),
    inverses: new Float64Array(SIGNALS.length),
    buffersScaled: true,
    supports: {} as Record<Signal, Support | null>,
    touched,
    pool: new Touched().reset(n),
    popularityScaled: false,
    links: emptyLinks(n),
    conditional: emptyConditional(n),
    candidateRows: new Float32Array(RANKED_CANDIDATES * FEATURES),
    candidateScores: new Float64Array(RANKED_CANDIDATES),
    scores: new Float32Array(n),
    wordProfile: new Float32Array(parts.words.vocabularySize),
  };
}

/**
 * Ranks checkouts with a fitted hybrid: the weighted sum of the signals, then the ranker over its
 * best candidates. Immutable once built (a new fit builds a new one) and reentrant: what a call
 * writes lives in a Scratch of its own, never in the scorer.
 */
export class Scorer {
  /** max |popularity score|, fixed by the fit */
  private readonly popularityScale: number;
  /** the POPULAR_HEAD best-selling products */
  private readonly popularHead: readonly number[];
  /** every product of the catalog, for scores of the whole catalog */
  private readonly catalog: Support;
  private readonly spare: Scratch[] = [];

  constructor(
    private readonly params: Readonly<HybridParams>,
    private readonly parts: Readonly<Parts>,
    private readonly ranker: Ranker,
  ) {
    this.popularityScale = maxAbs(parts.popularity.scores);
    this.popularHead = topK(parts.popularity.scores, POPULAR_HEAD);
    const n = parts.popularity.scores.length;
    this.catalog = { list: Int32Array.from({ length: n }, (_, i) => i), size: n };
  }

  /** Runs `use` with a scratch no other call is using. */
  withScratch<T>(use: (scratch: Scratch) => T): T {
    const scratch = this.spare.pop() ?? createScratch(this.parts);
    try {
      return use(scratch);
    } finally {
      this.spare.push(scratch);
    }
  }

  /** Scores every product for the query (the Recommender interface): ranked candidates on top. */
  score(query: Query, out: Float32Array): void {
    this.withScratch((s) => this.scoreRest(query, s, out, this.rank(query, s, out)));
  }

  /** The top k products, never one in the cart or in `exclude`, each with its strongest signal's reason. */
  recommend(query: Query, k: number, exclude: ReadonlySet<number> = new Set()): Offer[] {
    return this.withScratch((s) => {
      const scores = s.scores;
      const candidates = this.rank(query, s, scores);
      // The ranked candidates come first in score()'s order; only when too many of them are
      // excluded does the rest of the catalog, in weighted-sum order, fill the list.
      let top = candidates
        .filter((c) => !exclude.has(c) && !query.cart.includes(c))
        .sort((a, b) => scores[b]! - scores[a]! || a - b)
        .slice(0, k);
      if (top.length < k) {
        this.scoreRest(query, s, scores, candidates);
        top = topK(scores, k, [...query.cart, ...exclude]);
      }
      const weights = this.segmentWeights(query.history);
      return top.map((product) => ({
        product,
        score: scores[product]!,
        reason: this.reason(query, s, product, weights),
      }));
    });
  }

  segmentWeights(history: History): Weights {
    return history.items.length > 0 ? this.params.weights.returning : this.params.weights.newcomer;
  }

  /**
   * Fills the per-signal buffers and each signal's scale (its max |value|) and returns the segment's
   * weights. The buffers are scaled to max |value| 1 in place unless `scaleBuffers` is false, for
   * callers that read them through scaled().
   */
  computeSignals(query: Query, s: Scratch, scaleBuffers = true): Weights {
    const { ease, easeUser, coPurchase, coCustomer, coRecent, content, words, factorization, popularity } =
      this.parts;
    const { cart, history } = query;
    const { buffers: b, supports, touched, pool } = s;
    const n = b.popularity.length;
    // The last checkout's word affinities are cleared where it wrote them: over its pool.
    for (let t = 0; t < pool.size; t++) b.words[pool.list[t]!] = 0;
    pool.reset(n);
    ease.scoreItems(cart, null, b.easeCart, touched.easeCart);
    ease.scoreItems(history.items, history.weights, b.easeHistory, touched.easeHistory);
    easeUser.scoreItems([...cart, ...history.items], null, b.easeUser, touched.easeUser);
    coPurchase.scoreCart(cart, b.coPurchase, touched.coPurchase);
    coCustomer.scoreCart(cart, b.coCustomer, touched.coCustomer);
    coRecent.scoreCart(cart, b.coRecent, touched.coRecent);
    content.scoreCart(cart, b.content, touched.content);
    scorePersonal(history, b.buyAgain, touched.buyAgain);
    for (const signal of LISTED) {
      const { list, size } = touched[signal];
      for (let t = 0; t < size; t++) pool.add(list[t]!);
      supports[signal] = touched[signal];
    }
    for (const product of this.popularHead) pool.add(product);
    if (factorization) {
      factorization.score(query, b.factorization);
      for (const product of topK(b.factorization, RANKED_CANDIDATES, cart)) pool.add(product);
    }
    words.scoreCartOver(cart, pool, b.words, s.wordProfile);
    if (s.popularityScaled) b.popularity.set(popularity.scores);
    s.popularityScaled = false;
    supports.words = pool;
    supports.popularity = null;
    supports.factorization = factorization ? null : NOWHERE;
    SIGNALS.forEach((signal, j) => {
      const values = b[signal];
      const support = supports[signal];
      // Popularity is the same for every checkout: its scale is known since the fit.
      const scale =
        signal === "popularity"
          ? this.popularityScale
          : support
            ? maxAbsOver(values, support)
            : maxAbs(values);
      s.scales[j] = scale;
      s.inverses[j] = scale === 0 ? 1 : 1 / scale;
      if (scaleBuffers && scale !== 0) scaleInPlace(values, support, 1 / scale);
    });
    s.popularityScaled = scaleBuffers && this.popularityScale !== 0;
    s.buffersScaled = scaleBuffers;
    return this.segmentWeights(history);
  }

  /** A signal's value for a product of the last computed query, scaled to the query's max |value| 1. */
  scaled(s: Scratch, j: number, product: number): number {
    const value = s.buffers[SIGNALS[j]!][product]!;
    return s.buffersScaled ? value : Math.fround(value * s.inverses[j]!);
  }

  /**
   * After rank(), every product's score: the ranked candidates on top, then the weighted sum of the
   * rest, from the signals rank() computed.
   */
  private scoreRest(query: Query, s: Scratch, out: Float32Array, candidates: readonly number[]): void {
    const ranked = candidates.map((c) => out[c]!);
    this.addSignals(s, this.segmentWeights(query.history), this.catalog, out);
    // Every other product stays below the ranked candidates, in weighted-sum order.
    for (let i = 0; i < out.length; i++) out[i] = out[i]! - RANKED_OFFSET;
    candidates.forEach((c, i) => {
      out[c] = ranked[i]!;
    });
  }

  /**
   * Writes the weighted sum of the signals to `out` over the pool and returns its best candidates by
   * it, never a cart product; with a ranker, their scores in `out` are the ranker's. `out` is left as
   * it was outside the pool.
   */
  private rank(query: Query, s: Scratch, out: Float32Array): number[] {
    // The buffers stay unscaled: each value is scaled as it is read, exactly as normalizeMaxAbs
    // would have stored it.
    const weights = this.computeSignals(query, s, false);
    const { pool } = s;
    this.addSignals(s, weights, pool, out);
    const candidates = topKOver(out, pool, RANKED_CANDIDATES, query.cart);
    if (this.ranker.trees === 0) return candidates;
    // The ranker reorders the best candidates.
    computeLinks(this.parts, query, s.links, s.conditional);
    const rows = s.candidateRows;
    const linked = { query, links: s.links, conditional: s.conditional };
    candidates.forEach((c, rank) => {
      const row = rows.subarray(rank * FEATURES, (rank + 1) * FEATURES);
      for (let j = 0; j < SIGNALS.length; j++) row[j] = this.scaled(s, j, c);
      fillQueryFeatures(query, s.scales, out[c]!, rank, row);
      fillItemFeatures(this.parts, query.history, c, row);
      fillLinkFeatures(this.parts, linked, c, false, row, LINK_FEATURES_AT);
    });
    const ranked = s.candidateScores;
    this.ranker.predictRows(rows, FEATURES, candidates.length, ranked);
    candidates.forEach((c, i) => {
      out[c] = ranked[i]!;
    });
    return candidates;
  }

  /**
   * Writes the weighted sum of the scaled signals of the last computed query to `out` at the
   * products `over` lists, signal by signal as a Float32Array accumulates it, plus popularity's
   * tie-break. A signal is visited only where it may be non-zero.
   */
  private addSignals(s: Scratch, weights: Weights, over: Support, out: Float32Array): void {
    const { list, size } = over;
    for (let t = 0; t < size; t++) out[list[t]!] = 0;
    SIGNALS.forEach((signal, j) => {
      const w = weights[signal];
      // A signal with nothing for this checkout (scale 0) is all zeros: adding it changes nothing.
      if (w === 0 || s.scales[j] === 0) return;
      const values = s.buffers[signal];
      const inverse = s.inverses[j]!;
      // A listed signal's support lies in the pool; a dense one is read at every product asked for.
      const support = over === s.pool ? (s.supports[signal] ?? over) : over;
      for (let t = 0; t < support.size; t++) {
        const i = support.list[t]!;
        out[i] = out[i]! + w * Math.fround(values[i]! * inverse);
      }
    });
    const pop = s.buffers.popularity;
    for (let t = 0; t < size; t++) {
      const i = list[t]!;
      out[i] = out[i]! + TIE_BREAK * pop[i]!;
    }
  }

  private reason(query: Query, s: Scratch, product: number, weights: Weights): Reason {
    let best: Signal = "popularity";
    let bestValue = 0;
    for (const [j, signal] of SIGNALS.entries()) {
      const value = weights[signal] * this.scaled(s, j, product);
      if (value > bestValue) {
        best = signal;
        bestValue = value;
      }
    }
    if (best === "buyAgain") return { kind: "bought-before" };
    const personal = best === "easeHistory" || best === "factorization" || best === "easeUser";
    if (personal && query.history.items.length > 0) return { kind: "your-taste" };
    if (best === "content" || best === "words") {
      const link = this.parts.content.strongestLink(query.cart, product);
      return link.product >= 0 ? { kind: "similar", product: link.product } : { kind: "popular" };
    }
    if (best === "popularity") return { kind: "popular" };
    const link = this.parts.coPurchase.strongestLink(query.cart, product);
    if (link.product >= 0) return { kind: "bought-with", product: link.product };
    let anchor = -1;
    let strongest = 0;
    for (const c of query.cart) {
      const w = this.parts.ease.weight(c, product);
      if (w > strongest) [anchor, strongest] = [c, w];
    }
    if (anchor >= 0) return { kind: "bought-with", product: anchor };
    return query.history.items.length > 0 ? { kind: "your-taste" } : { kind: "popular" };
  }
}

/** Multiplies a signal's values by `factor` where it may be non-zero (everywhere without a support). */
function scaleInPlace(values: Float32Array, support: Support | null, factor: number): void {
  if (!support) {
    for (let i = 0; i < values.length; i++) values[i] = values[i]! * factor;
    return;
  }
  const { list, size } = support;
  for (let t = 0; t < size; t++) values[list[t]!] = values[list[t]!]! * factor;
}

/**
 * The k listed products with the highest scores, best first, never one in `exclude`; ties go to the
 * lower index, as topK's do over the whole catalog.
 */
function topKOver(scores: Float32Array, support: Support, k: number, exclude: readonly number[]): number[] {
  const best: number[] = [];
  const { list, size } = support;
  for (let t = 0; t < size; t++) {
    const i = list[t]!;
    const score = Number.isNaN(scores[i]!) ? Number.NEGATIVE_INFINITY : scores[i]!;
    if (best.length === k) {
      const last = best[k - 1]!;
      if (score < scores[last]! || (score === scores[last]! && i > last)) continue;
    }
    if (exclude.includes(i)) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0) {
      const before = best[at - 1]!;
      if (score < scores[before]! || (score === scores[before]! && i > before)) break;
      best[at] = before;
      at--;
    }
    best[at] = i;
  }
  return best;
}
