import { type Dataset, groupByCustomer } from "../data/dataset";
import { customerHistories } from "../data/history";
import { buildQueries, type EvalQuery, temporalSplit } from "../data/split";
import {
  computeLinks,
  FEATURES,
  fillItemFeatures,
  fillLinkFeatures,
  fillQueryFeatures,
  LINK_FEATURES,
  LINK_FEATURES_AT,
} from "../serve/features";
import { RANKED_CANDIDATES, Scorer } from "../serve/scorer";
import type { CoPurchaseOptions } from "./co-purchase";
import type { EaseOptions } from "./ease";
import { createParts, type HybridParams, type Parts } from "./hybrid-parts";
import {
  type CandidateTable,
  candidateTable,
  chooseAlpha,
  DEFAULT_WEIGHTS,
  SIGNALS,
  type Signal,
  searchWeights,
} from "./hybrid-tuning";
import { DEFAULT_DIMENSIONS, type FactorizationOptions } from "./matrix-factorization";
import { Ranker, type RankingData } from "./ranker";
import { trainBaggedRanker } from "./ranker-training";
import type { Offer } from "./reasons";
import type { ModelArrays, Query, Recommender } from "./recommender";

export type { HybridParams } from "./hybrid-parts";

export interface HybridOptions {
  /** the name in reports, default "hybrid" */
  name?: string;
  /** the signals it may use, default all; a restricted hybrid is how combination baselines are built */
  signals?: readonly Signal[];
  seed?: number;
  ease?: EaseOptions;
  coPurchase?: CoPurchaseOptions;
  /** the TF.js factorization's options; false leaves it out (the evaluation's ablation) */
  factorization?: FactorizationOptions | false;
  /** validation queries used to choose the weights, default 3000 */
  validationQueries?: number;
  /** learn to rank on top of the weighted sum (gradient-boosted trees), default true */
  ranker?: boolean;
  /** reports each training stage */
  onStage?: (stage: string) => void;
}

/** rankers fitted on different holdouts and summed: each one's early stopping is noisy */
const RANKER_BAGS = 5;

/**
 * The model of record: a weighted sum of max-normalized signals. From the cart: EASE over orders,
 * EASE over customers' whole histories, co-purchase within orders, across a customer's orders and
 * over recent orders, content similarity, and the affinity of the words in product names across
 * orders (themes). From the shopper's history: EASE over it and buy-again. From both: the TF.js factorization's probability of each
 * product completing the order. Popularity underneath. Co-purchase exponents and the weights are
 * chosen on a validation split carved from the end of the training data by time, with separate
 * weights for returning shoppers (with a history) and newcomers (every validation order seen
 * without its history, with a cart drawn afresh). Unknown shoppers and products simply contribute
 * no signal, down to popularity alone.
 */
export class HybridRecommender implements Recommender {
  readonly name: string;
  params: HybridParams;
  private readonly signals: ReadonlySet<Signal>;
  private parts: Parts;
  private ranker = Ranker.empty();
  /** ranks with the parts as last fitted; a new fit builds a new one */
  private scorer: Scorer;

  constructor(private readonly options: HybridOptions = {}) {
    this.name = options.name ?? "hybrid";
    this.signals = new Set(options.signals ?? SIGNALS);
    const dimensions =
      options.factorization === false || !this.signals.has("factorization")
        ? null
        : (options.factorization?.dimensions ?? DEFAULT_DIMENSIONS);
    const start = { ...DEFAULT_WEIGHTS };
    for (const signal of SIGNALS) if (!this.signals.has(signal)) start[signal] = 0;
    this.params = {
      weights: { returning: { ...start }, newcomer: { ...start } },
      alphas: { coPurchase: 0.5, coCustomer: 0.5 },
      factorizationDimensions: dimensions,
    };
    this.parts = createParts(options, this.params);
    this.scorer = new Scorer(structuredClone(this.params), this.parts, this.ranker);
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
        this.scorer.withScratch((scratch) =>
          list.map((q) => {
            const query = { cart: q.cart, history: withHistory ? historyOf(q.customer) : historyOf(-1) };
            this.scorer.computeSignals(query, scratch);
            const table = candidateTable(scratch.buffers, q);
            computeLinks(this.parts, query, scratch.links, scratch.conditional);
            // A returning customer's checkout with the history hidden stands in for a newcomer's; the
            // ranker may tell it from a genuine first order, which is what newcomers at checkout are.
            const stripped = !withHistory && q.returning;
            const links = new Float32Array(table.count * LINK_FEATURES);
            const linked = { query, links: scratch.links, conditional: scratch.conditional };
            table.products.forEach((product, c) => {
              fillLinkFeatures(this.parts, linked, product, stripped, links.subarray(c * LINK_FEATURES), 0);
            });
            if (!sources.has(q.orderId)) sources.set(q.orderId, sources.size);
            const source = sources.get(q.orderId)!;
            examples.push({ query, table, scales: scratch.scales.slice(), links, source });
            return table;
          }),
        );
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
    this.scorer.score(query, out);
  }

  /** The validation candidates as ranking data, with the chosen weights' scores as a feature. */
  private rankingData(examples: Example[]): RankingData {
    // Each query keeps its best candidates by weighted sum, as serving does: the ranker reorders the
    // top of the list, and the long tail of candidates would only slow it down.
    const kept = examples.map(({ query, table, scales, links }) => {
      const segment = this.scorer.segmentWeights(query.history);
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
        fillItemFeatures(this.parts, query.history, table.products[c]!, row);
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
    return this.scorer.recommend(query, k, exclude);
  }

  /** Readies a restored model to serve without holding the event loop long: see Ranker.prepare. */
  prepare(pause: () => Promise<void>): Promise<void> {
    return this.ranker.prepare(pause);
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
    model.scorer = new Scorer(structuredClone(model.params), model.parts, model.ranker);
    return model;
  }

  private async fitParts(data: Dataset, warm = false): Promise<void> {
    const stage = this.options.onStage ?? (() => {});
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
    if (factorization) {
      const started = performance.now();
      stage(`training the TF.js factorization (${warm ? "continuing" : "from scratch"})`);
      if (warm) await factorization.update(data);
      else await factorization.fit(data);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      stage(`TF.js factorization trained in ${seconds} s on ${factorization.backend}`);
    }
    this.scorer = new Scorer(structuredClone(this.params), this.parts, this.ranker);
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
