import { type Dataset, groupByCustomer, numProducts } from "../data/dataset";
import { customerHistories, type History } from "../data/history";
import { buildQueries, type EvalQuery, temporalSplit } from "../data/split";
import { scorePersonal } from "./buy-again";
import { type CoPurchaseOptions, CoPurchaseRecommender } from "./co-purchase";
import { ContentRecommender } from "./content";
import { maxAbs, TIE_BREAK } from "./decay";
import { type EaseOptions, EaseRecommender } from "./ease";
import {
  type CandidateTable,
  candidateTable,
  chooseAlpha,
  DEFAULT_WEIGHTS,
  SIGNALS,
  type Signal,
  searchWeights,
  type Weights,
} from "./hybrid-tuning";
import { ItemStats } from "./item-stats";
import { type FactorizationOptions, FactorizationRecommender } from "./matrix-factorization";
import { PopularityRecommender } from "./popularity";
import { Ranker, type RankingData, trainBaggedRanker } from "./ranker";
import type { Offer, Reason } from "./reasons";
import type { ModelArrays, Query, Recommender } from "./recommender";
import { topK } from "./recommender";
import { maxAbsOver, type Support, Touched } from "./support";
import { WordAffinityRecommender } from "./word-affinity";

export interface HybridOptions {
  /** the name in reports, default "hybrid" */
  name?: string;
  /** the signals it may use, default all; a restricted hybrid is how combination baselines are built */
  signals?: readonly Signal[];
  seed?: number;
  ease?: EaseOptions;
  coPurchase?: CoPurchaseOptions;
  /**
   * the TF.js factorization's options; left out unless given (false too): on the reference data it
   * took a third of the fit and moved no metric beyond noise once the ranker had its other features
   */
  factorization?: FactorizationOptions | false;
  /** validation queries used to choose the weights, default 3000 */
  validationQueries?: number;
  /** learn to rank on top of the weighted sum (gradient-boosted trees), default true */
  ranker?: boolean;
  /** reports each training stage */
  onStage?: (stage: string) => void;
}

/** What a fitted hybrid needs besides its parts' arrays: chosen weights and exponents. */
export interface HybridParams {
  weights: { returning: Weights; newcomer: Weights };
  alphas: { coPurchase: number; coCustomer: number };
  factorizationDimensions: number | null;
}

/**
 * The ranker's features per candidate: every signal scaled to the query's maximum, each signal's
 * maximum before scaling (how strong the evidence is at all), the weighted sum and its rank, the
 * checkout's shape, facts about the product (repeat rate, orders, recent sales, the shopper's own
 * purchases of it), then the LINK_FEATURES.
 */
const ITEM_FEATURES_AT = 2 * SIGNALS.length + 5;
const LINK_FEATURES_AT = ITEM_FEATURES_AT + 4;
/**
 * How the candidate hangs together with the cart (co-purchase: strongest link, share of the cart
 * listing it, best place in a list; content: strongest link, share), whether a validation newcomer
 * is a returning customer with the history hidden, what newcomers buy (first-order sales lately, the
 * product's share of first orders), the shopper's own buying of it (share of their orders, days
 * since, their order count), which way its co-purchase with the cart leans (P(j | i) strongest and
 * mean over the cart, P(i | j), the pair's order count) and whether the cart looks like a first order
 * (its products' mean share of first orders and mean order count).
 */
const LINK_FEATURES = 17;
const FEATURES = LINK_FEATURES_AT + LINK_FEATURES;
/** rankers fitted on different holdouts and summed: each one's early stopping is noisy */
const RANKER_BAGS = 5;
/** lifts ranked candidates above the rest whatever the ranker's scale */
const RANKED_OFFSET = 1e4;
/** the candidates, best by weighted sum, that the ranker reorders */
const RANKED_CANDIDATES = 50;

/** the "what sells together lately" signal: a month's half-life catches seasons and new ranges */
const RECENT_HALF_LIFE_DAYS = 30;

type Parts = ReturnType<typeof createParts>;

function createParts(options: HybridOptions, params: HybridParams) {
  const factorization =
    params.factorizationDimensions === null
      ? null
      : new FactorizationRecommender({
          seed: options.seed ?? 7,
          ...(options.factorization || {}),
          dimensions: params.factorizationDimensions,
        });
  return {
    ease: new EaseRecommender(options.ease),
    easeUser: new EaseRecommender(options.ease),
    coPurchase: new CoPurchaseRecommender({ alpha: params.alphas.coPurchase, ...options.coPurchase }),
    coCustomer: new CoPurchaseRecommender({ alpha: params.alphas.coCustomer, ...options.coPurchase }),
    coRecent: new CoPurchaseRecommender({
      alpha: params.alphas.coPurchase,
      halfLifeDays: RECENT_HALF_LIFE_DAYS,
      ...options.coPurchase,
    }),
    content: new ContentRecommender(),
    words: new WordAffinityRecommender(),
    factorization,
    popularity: new PopularityRecommender(),
    items: new ItemStats(),
  };
}

/**
 * The model of record: a weighted sum of max-normalized signals. From the cart: EASE over orders,
 * EASE over customers' whole histories, co-purchase within orders, across a customer's orders and
 * over recent orders, content similarity, and the affinity of the words in product names across
 * orders (themes). From the shopper's history: EASE over it, buy-again and,
 * when asked for, the TF.js factorization's taste embedding. Popularity underneath. Co-purchase exponents and the
 * weights are chosen on a validation split carved from the end of the training data by time, with
 * separate weights for returning shoppers (with a history) and newcomers (every validation order
 * seen without its history, with a cart drawn afresh). Unknown shoppers and products simply contribute no signal, down to
 * popularity alone.
 */
export class HybridRecommender implements Recommender {
  readonly name: string;
  params: HybridParams;
  private readonly signals: ReadonlySet<Signal>;
  private parts: Parts;
  private ranker = Ranker.empty();
  /** the ranked candidates' features, a row each, and their scores */
  private readonly candidateRows = new Float32Array(RANKED_CANDIDATES * FEATURES);
  private readonly candidateScores = new Float64Array(RANKED_CANDIDATES);
  /** each signal's maximum before scaling, for the last computed query */
  private readonly scales = new Float32Array(SIGNALS.length);
  private buffers: Record<Signal, Float32Array> = emptyBuffers(0);
  private links: Links = emptyLinks(0);
  private conditional: Conditional = emptyConditional(0);
  /** 1 / each signal's scale for the last query (1 for a silent signal) */
  private readonly inverses = new Float64Array(SIGNALS.length);
  /** whether the buffers hold scaled values (computeSignals' scaleBuffers) */
  private buffersScaled = true;
  /** where each signal may be non-zero for the last computed query; null: anywhere */
  private readonly supports = {} as Record<Signal, Support | null>;
  /** max |popularity score|, fixed by the fit */
  private popularityScale = 0;
  private readonly touched = {
    coPurchase: new Touched(),
    coCustomer: new Touched(),
    coRecent: new Touched(),
    content: new Touched(),
    buyAgain: new Touched(),
  };
  /** recommend()'s scores, kept between calls */
  private scores = new Float32Array(0);

  constructor(private readonly options: HybridOptions = {}) {
    this.name = options.name ?? "hybrid";
    this.signals = new Set(options.signals ?? SIGNALS);
    const dimensions =
      !options.factorization || !this.signals.has("factorization")
        ? null
        : (options.factorization.dimensions ?? 32);
    const start = { ...DEFAULT_WEIGHTS };
    for (const signal of SIGNALS) if (!this.signals.has(signal)) start[signal] = 0;
    this.params = {
      weights: { returning: { ...start }, newcomer: { ...start } },
      alphas: { coPurchase: 0.5, coCustomer: 0.5 },
      factorizationDimensions: dimensions,
    };
    this.parts = createParts(options, this.params);
  }

  async fit(train: Dataset): Promise<void> {
    const stage = this.options.onStage ?? (() => {});
    const { train: fitPart, test: validation } = temporalSplit(train, 0.2);
    const seed = this.options.seed ?? 7;
    const drawQueries = (cartSeed: number) =>
      buildQueries(fitPart, validation, {
        seed: cartSeed,
        maxQueries: this.options.validationQueries ?? 3000,
      });
    const queries = drawQueries(seed);
    if (queries.length >= 20) {
      if (this.signals.has("coPurchase")) {
        stage("choosing the co-purchase exponent");
        const alpha = await chooseAlpha(this.options.coPurchase, fitPart, queries);
        this.params.alphas = { coPurchase: alpha, coCustomer: alpha };
      }
      stage("fitting on the validation split");
      this.parts = createParts(this.options, this.params);
      await this.fitParts(fitPart);
      stage("choosing weights");
      const historyOf = customerHistories(fitPart);
      const examples: Example[] = [];
      const sources = new Map<string, number>();
      const tablesOf = (list: EvalQuery[], withHistory: boolean) =>
        list.map((q) => {
          const query = { cart: q.cart, history: withHistory ? historyOf(q.customer) : historyOf(-1) };
          this.computeSignals(query);
          const table = candidateTable(this.buffers, q);
          this.computeLinks(query);
          // A returning customer's checkout with the history hidden stands in for a newcomer's; the
          // ranker may tell it from a genuine first order, which is what newcomers at checkout are.
          const stripped = !withHistory && q.returning;
          const links = new Float32Array(table.count * LINK_FEATURES);
          table.products.forEach((product, c) => {
            this.fillLinkFeatures(query, product, stripped, links.subarray(c * LINK_FEATURES), 0);
          });
          if (!sources.has(q.orderId)) sources.set(q.orderId, sources.size);
          const source = sources.get(q.orderId)!;
          examples.push({ query, table, scales: this.scales.slice(), links, source });
          return table;
        });
      const returning = queries.filter((q) => q.returning);
      // Newcomers' carts are drawn afresh from the same orders: the ranker then learns from two
      // carts of each order instead of one cart seen twice, with and without its history.
      const newcomerQueries = drawQueries(seed + 1);
      const start = this.params.weights.returning;
      const allowed = [...this.signals];
      this.params.weights = {
        returning: searchWeights(
          tablesOf(returning.length >= 20 ? returning : queries, true),
          start,
          allowed,
        ),
        // Every validation checkout, seen without its history, is a sample of a newcomer's cart.
        newcomer: searchWeights(tablesOf(newcomerQueries, false), start, allowed),
      };
      if (this.options.ranker ?? true) {
        stage("learning to rank");
        this.ranker = trainBaggedRanker(this.rankingData(examples), RANKER_BAGS, {
          seed,
        });
      }
    }
    stage("fitting on all orders");
    await this.refit(train);
  }

  /**
   * Fits every part again on `data`, keeping the chosen weights, exponents and ranker: how a model
   * measured on older orders is brought up to date without choosing everything again.
   */
  async refit(data: Dataset): Promise<void> {
    const previous = this.parts.factorization;
    this.parts = createParts(this.options, this.params);
    // The factorization continues from its embeddings: one pass over the newer orders, not a new fit.
    if (previous) this.parts.factorization = previous;
    await this.fitParts(data, previous !== null);
  }

  score(query: Query, out: Float32Array): void {
    const candidates = this.rank(query, out);
    if (candidates.length === 0) return;
    // Every other product stays below the ranked candidates, in weighted-sum order.
    const ranked = candidates.map((c) => out[c]!);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! - RANKED_OFFSET;
    candidates.forEach((c, i) => {
      out[c] = ranked[i]!;
    });
  }

  /**
   * Writes the weighted sum of the signals to `out`, then (with a ranker) the ranker's score over it
   * for the best candidates by weighted sum, which it returns; an empty list without a ranker.
   */
  private rank(query: Query, out: Float32Array): number[] {
    // The buffers stay unscaled: each value is scaled as it is read, exactly as normalizeMaxAbs
    // would have stored it, which saves a pass over the catalog per signal.
    const weights = this.computeSignals(query, false);
    out.fill(0);
    SIGNALS.forEach((signal, j) => {
      const w = weights[signal];
      // A signal with nothing for this checkout (scale 0) is all zeros: adding it changes nothing.
      if (w === 0 || this.scales[j] === 0) return;
      const values = this.buffers[signal];
      const inverse = this.inverses[j]!;
      const support = this.supports[signal];
      if (!support) {
        for (let i = 0; i < out.length; i++) out[i] = out[i]! + w * Math.fround(values[i]! * inverse);
        return;
      }
      // Only where the signal may be non-zero: elsewhere it would add zeros.
      const { list, size } = support;
      for (let t = 0; t < size; t++) {
        const i = list[t]!;
        out[i] = out[i]! + w * Math.fround(values[i]! * inverse);
      }
    });
    const pop = this.buffers.popularity;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
    if (this.ranker.trees === 0) return [];
    this.computeLinks(query);
    // The ranker reorders the best candidates.
    const candidates = topK(out, RANKED_CANDIDATES, query.cart);
    const rows = this.candidateRows;
    candidates.forEach((c, rank) => {
      const row = rows.subarray(rank * FEATURES, (rank + 1) * FEATURES);
      for (let j = 0; j < SIGNALS.length; j++) row[j] = this.scaled(j, c);
      fillQueryFeatures(query, this.scales, out[c]!, rank, row);
      this.fillItemFeatures(query, c, row);
      this.fillLinkFeatures(query, c, false, row, LINK_FEATURES_AT);
    });
    const ranked = this.candidateScores;
    this.ranker.predictRows(rows, FEATURES, candidates.length, ranked);
    candidates.forEach((c, i) => {
      out[c] = ranked[i]!;
    });
    return candidates;
  }

  private fillItemFeatures(query: Query, product: number, row: Float32Array): void {
    const { items } = this.parts;
    const at = ITEM_FEATURES_AT;
    row[at] = items.repeatRate[product] ?? 0;
    row[at + 1] = items.logOrders[product] ?? 0;
    row[at + 2] = items.recent[product] ?? 0;
    let bought = 0;
    const { items: history, weights } = query.history;
    for (let h = 0; h < history.length; h++) if (history[h] === product) bought = weights[h]!;
    row[at + 3] = Math.log1p(bought);
  }

  /** How every product links to the cart through the co-purchase and content lists, for the ranker. */
  private computeLinks(query: Query): void {
    const l = this.links;
    this.parts.coPurchase.cartLinks(query.cart, l.coMax, l.coCount, l.coPlace);
    this.parts.content.cartLinks(query.cart, l.contentMax, l.contentCount, l.contentPlace);
    this.computeConditional(query.cart);
  }

  /**
   * Co-purchase counts c_ij between the cart and the products its lists name: cosine hides which way
   * a pair leans, while P(j | i) = c_ij / n_i says how often buyers of a cart product add j, and
   * P(i | j) = c_ij / n_j how often j comes with it. Only the listed products are touched, never the
   * whole catalog, so serving stays per-candidate.
   */
  private computeConditional(cart: readonly number[]): void {
    const s = this.conditional;
    for (let t = 0; t < s.touched.size; t++) {
      const j = s.touched.list[t]!;
      s.max[j] = 0;
      s.sum[j] = 0;
      s.reverse[j] = 0;
      s.pairOrders[j] = 0;
    }
    s.touched.reset(s.max.length);
    const { coPurchase, items } = this.parts;
    const orders = (p: number) => Math.expm1(items.logOrders[p] ?? 0);
    for (const i of cart) {
      const ni = orders(i);
      if (ni <= 0) continue;
      coPurchase.forEachCount(i, orders, (j, c) => {
        const nj = orders(j);
        if (nj <= 0 || c <= 0) return;
        s.touched.add(j);
        s.max[j] = Math.max(s.max[j]!, c / ni);
        s.sum[j]! += c / ni;
        s.reverse[j] = Math.max(s.reverse[j]!, c / nj);
        s.pairOrders[j] = Math.max(s.pairOrders[j]!, c);
      });
    }
    // The cart's own shape, the same for every candidate: newcomers' carts differ from returning
    // shoppers' in what they start from.
    let firstShare = 0;
    let popularity = 0;
    for (const c of cart) {
      firstShare += items.firstShare[c] ?? 0;
      popularity += items.logOrders[c] ?? 0;
    }
    s.cartFirstShare = firstShare / Math.max(1, cart.length);
    s.cartPopularity = popularity / Math.max(1, cart.length);
  }

  /** The LINK_FEATURES of one candidate, from the last computeLinks and the shopper's history. */
  private fillLinkFeatures(
    query: Query,
    product: number,
    stripped: boolean,
    row: Float32Array,
    at: number,
  ): void {
    const l = this.links;
    const cart = Math.max(1, query.cart.length);
    row[at] = l.coMax[product]!;
    row[at + 1] = l.coCount[product]! / cart;
    row[at + 2] = Math.log1p(l.coPlace[product]!);
    row[at + 3] = l.contentMax[product]!;
    row[at + 4] = l.contentCount[product]! / cart;
    row[at + 5] = stripped ? 1 : 0;
    row[at + 6] = this.parts.items.firstRecent[product] ?? 0;
    row[at + 7] = this.parts.items.firstShare[product] ?? 0;
    const { items, counts, ages } = query.history;
    let count = 0;
    let age = -1;
    for (let h = 0; h < items.length; h++) {
      if (items[h] !== product) continue;
      count = counts?.[h] ?? 0;
      age = ages?.[h] ?? -1;
    }
    const orders = query.history.orders ?? 0;
    row[at + 8] = orders > 0 ? count / orders : 0;
    row[at + 9] = age < 0 ? -1 : Math.log1p(age);
    row[at + 10] = Math.log1p(orders);
    const s = this.conditional;
    row[at + 11] = s.max[product]!;
    row[at + 12] = s.sum[product]! / cart;
    row[at + 13] = s.reverse[product]!;
    row[at + 14] = Math.log1p(s.pairOrders[product]!);
    row[at + 15] = s.cartFirstShare;
    row[at + 16] = s.cartPopularity;
  }

  /** The validation candidates as ranking data, with the chosen weights' scores as a feature. */
  private rankingData(examples: Example[]): RankingData {
    // Each query keeps its best candidates by weighted sum, as serving does: the ranker reorders the
    // top of the list, and the long tail of candidates would only slow it down.
    const kept = examples.map(({ query, table, scales, links }) => {
      const segment = this.segmentWeights(query.history);
      const weights = SIGNALS.map((s) => segment[s]);
      const linear = Float32Array.from({ length: table.count }, (_, c) => {
        let sum = 0;
        for (let j = 0; j < SIGNALS.length; j++) sum += weights[j]! * table.values[c * SIGNALS.length + j]!;
        return sum;
      });
      const order = Array.from({ length: table.count }, (_, c) => c).sort(
        (a, b) => linear[b]! - linear[a]! || a - b,
      );
      const rows = order.slice(0, RANKED_CANDIDATES);
      return { query, table, scales, links, linear, rows };
    });
    const total = kept.reduce((sum, e) => sum + e.rows.length, 0);
    const data: RankingData = {
      featureCount: FEATURES,
      features: new Float32Array(total * FEATURES),
      labels: new Uint8Array(total),
      groups: new Int32Array(examples.length + 1),
      targets: new Int32Array(examples.length),
      sources: Int32Array.from(examples, (e) => e.source),
    };
    let r = 0;
    kept.forEach(({ query, table, scales, links, linear, rows }, q) => {
      data.groups[q] = r;
      data.targets[q] = table.relevant.size;
      rows.forEach((c, rank) => {
        const row = data.features.subarray(r * FEATURES, (r + 1) * FEATURES);
        for (let j = 0; j < SIGNALS.length; j++) row[j] = table.values[c * SIGNALS.length + j]!;
        fillQueryFeatures(query, scales, linear[c]!, rank, row);
        this.fillItemFeatures(query, table.products[c]!, row);
        row.set(links.subarray(c * LINK_FEATURES, (c + 1) * LINK_FEATURES), LINK_FEATURES_AT);
        data.labels[r] = table.relevant.has(c) ? 1 : 0;
        r++;
      });
    });
    data.groups[examples.length] = r;
    return data;
  }

  /** The top k products, never one in the cart or in `exclude`, each with its strongest signal's reason. */
  recommend(query: Query, k: number, exclude: ReadonlySet<number> = new Set()): Offer[] {
    if (this.scores.length !== this.buffers.popularity.length) {
      this.scores = new Float32Array(this.buffers.popularity.length);
    }
    const scores = this.scores;
    const candidates = this.rank(query, scores);
    // The ranked candidates come first in score()'s order; only when too many of them are excluded
    // does the rest of the catalog, in weighted-sum order, fill the list.
    let top = candidates
      .filter((c) => !exclude.has(c) && !query.cart.includes(c))
      .sort((a, b) => scores[b]! - scores[a]! || a - b)
      .slice(0, k);
    if (top.length < k) {
      this.score(query, scores);
      top = topK(scores, k, [...query.cart, ...exclude]);
    }
    const weights = this.segmentWeights(query.history);
    return top.map((product) => ({
      product,
      score: scores[product]!,
      reason: this.reason(query, product, weights),
    }));
  }

  /** The fitted numbers of every part, keyed "part.array". */
  state(): ModelArrays {
    const arrays: ModelArrays = {};
    for (const [key, value] of Object.entries(this.ranker.state())) arrays[`ranker.${key}`] = value;
    for (const [name, part] of Object.entries(this.parts)) {
      if (!part) continue;
      for (const [key, value] of Object.entries(part.state())) arrays[`${name}.${key}`] = value;
    }
    return arrays;
  }

  /** A fitted hybrid from its params and arrays, as `state()` gave them. */
  static restore(params: HybridParams, arrays: ModelArrays, options: HybridOptions = {}): HybridRecommender {
    const model = new HybridRecommender(options);
    model.params = structuredClone(params);
    model.parts = createParts(options, model.params);
    for (const [name, part] of Object.entries(model.parts)) {
      if (!part) continue;
      const prefix = `${name}.`;
      const own: ModelArrays = {};
      for (const [key, value] of Object.entries(arrays)) {
        if (key.startsWith(prefix)) own[key.slice(prefix.length)] = value;
      }
      part.restore(own);
    }
    const ranker: ModelArrays = {};
    for (const [key, value] of Object.entries(arrays)) {
      if (key.startsWith("ranker.")) ranker[key.slice("ranker.".length)] = value;
    }
    model.ranker = Ranker.restore(ranker);
    model.buffers = emptyBuffers(model.parts.popularity.scores.length);
    model.popularityScale = maxAbs(model.parts.popularity.scores);
    model.links = emptyLinks(model.parts.popularity.scores.length);
    model.conditional = emptyConditional(model.parts.popularity.scores.length);
    return model;
  }

  private reason(query: Query, product: number, weights: Weights): Reason {
    let best: Signal = "popularity";
    let bestValue = 0;
    for (const [j, signal] of SIGNALS.entries()) {
      const value = weights[signal] * this.scaled(j, product);
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

  private async fitParts(data: Dataset, warm = false): Promise<void> {
    const { ease, easeUser, coPurchase, coCustomer, coRecent, content, words, factorization, popularity } =
      this.parts;
    const byCustomer = groupByCustomer(data);
    const uses = (...signals: Signal[]) => signals.some((s) => this.signals.has(s));
    await popularity.fit(data);
    await this.parts.items.fit(data);
    if (uses("coPurchase", "easeCart")) await coPurchase.fit(data);
    if (uses("coCustomer")) await coCustomer.fit(byCustomer);
    if (uses("coRecent")) await coRecent.fit(data);
    if (uses("content")) await content.fit(data);
    if (uses("words")) await words.fit(data);
    if (uses("easeCart", "easeHistory")) await ease.fit(data);
    if (uses("easeUser")) await easeUser.fit(byCustomer);
    if (warm) await factorization?.update(data);
    else await factorization?.fit(data);
    this.buffers = emptyBuffers(numProducts(data));
    this.popularityScale = maxAbs(popularity.scores);
    this.links = emptyLinks(numProducts(data));
    this.conditional = emptyConditional(numProducts(data));
  }

  private segmentWeights(history: History): Weights {
    return history.items.length > 0 ? this.params.weights.returning : this.params.weights.newcomer;
  }

  /** A signal's value for a product of the last query, scaled to the query's max |value| 1. */
  private scaled(j: number, product: number): number {
    const value = this.buffers[SIGNALS[j]!][product]!;
    return this.buffersScaled ? value : Math.fround(value * this.inverses[j]!);
  }

  /**
   * Fills the per-signal buffers and each signal's scale (its max |value|) and returns the segment's
   * weights. The buffers are scaled to max |value| 1 in place unless `scaleBuffers` is false, for
   * callers that read them through scaled().
   */
  private computeSignals(query: Query, scaleBuffers = true): Weights {
    const { ease, easeUser, coPurchase, coCustomer, coRecent, content, words, factorization, popularity } =
      this.parts;
    const { cart, history } = query;
    const b = this.buffers;
    const { supports, touched } = this;
    ease.scoreItems(cart, null, b.easeCart);
    ease.scoreItems(history.items, history.weights, b.easeHistory);
    const both = [...cart, ...history.items];
    easeUser.scoreItems(both, null, b.easeUser);
    supports.easeCart = supports.easeHistory = ease.support;
    supports.easeUser = easeUser.support;
    coPurchase.scoreCart(cart, b.coPurchase, touched.coPurchase);
    coCustomer.scoreCart(cart, b.coCustomer, touched.coCustomer);
    coRecent.scoreCart(cart, b.coRecent, touched.coRecent);
    content.scoreCart(cart, b.content, touched.content);
    scorePersonal(history, b.buyAgain, touched.buyAgain);
    Object.assign(supports, touched);
    words.scoreCart(cart, b.words);
    if (factorization) factorization.score(query, b.factorization);
    else b.factorization.fill(0);
    b.popularity.set(popularity.scores);
    supports.words = supports.popularity = null;
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
      this.scales[j] = scale;
      this.inverses[j] = scale === 0 ? 1 : 1 / scale;
      if (scaleBuffers && scale !== 0) scaleInPlace(values, support, 1 / scale);
    });
    this.buffersScaled = scaleBuffers;
    return this.segmentWeights(history);
  }
}

interface Example {
  query: Query;
  table: CandidateTable;
  scales: Float32Array;
  /** LINK_FEATURES per candidate row */
  links: Float32Array;
  /** the validation order it came from: carts of one order stay on one side of the ranker's holdout */
  source: number;
}

interface Links {
  coMax: Float32Array;
  coCount: Float32Array;
  coPlace: Float32Array;
  contentMax: Float32Array;
  contentCount: Float32Array;
  contentPlace: Float32Array;
}

function emptyLinks(n: number): Links {
  return {
    coMax: new Float32Array(n),
    coCount: new Float32Array(n),
    coPlace: new Float32Array(n),
    contentMax: new Float32Array(n),
    contentCount: new Float32Array(n),
    contentPlace: new Float32Array(n),
  };
}

/**
 * Per product, its co-purchase with the last cart (computeConditional): P(j | i) strongest and
 * summed, P(i | j), the pair's order count, with `touched` listing the products set; and the cart's
 * mean share of first orders and mean log order count.
 */
interface Conditional {
  max: Float32Array;
  sum: Float32Array;
  reverse: Float32Array;
  pairOrders: Float32Array;
  touched: Touched;
  cartFirstShare: number;
  cartPopularity: number;
}

function emptyConditional(n: number): Conditional {
  return {
    max: new Float32Array(n),
    sum: new Float32Array(n),
    reverse: new Float32Array(n),
    pairOrders: new Float32Array(n),
    touched: new Touched().reset(n),
    cartFirstShare: 0,
    cartPopularity: 0,
  };
}

/** The features after the signals: their scales, the weighted sum and its rank, the checkout's shape. */
function fillQueryFeatures(
  query: Query,
  scales: Float32Array,
  linear: number,
  rank: number,
  row: Float32Array,
): void {
  row.set(scales, SIGNALS.length);
  const at = 2 * SIGNALS.length;
  row[at] = linear;
  row[at + 1] = rank;
  row[at + 2] = query.history.items.length > 0 ? 1 : 0;
  row[at + 3] = Math.log1p(query.cart.length);
  row[at + 4] = Math.log1p(query.history.items.length);
}

/** The support of a signal that is zero for every checkout. */
const NOWHERE: Support = { list: [], size: 0 };

/** Multiplies a signal's values by `factor` where it may be non-zero (everywhere without a support). */
function scaleInPlace(values: Float32Array, support: Support | null, factor: number): void {
  if (!support) {
    for (let i = 0; i < values.length; i++) values[i] = values[i]! * factor;
    return;
  }
  const { list, size } = support;
  for (let t = 0; t < size; t++) values[list[t]!] = values[list[t]!]! * factor;
}

function emptyBuffers(n: number): Record<Signal, Float32Array> {
  const buffers = {} as Record<Signal, Float32Array>;
  for (const signal of SIGNALS) buffers[signal] = new Float32Array(n);
  return buffers;
}
