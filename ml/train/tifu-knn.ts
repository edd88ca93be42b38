import { type Dataset, numOrders, numProducts, orderProducts } from "../data/dataset";
import { customerHistories, type History } from "../data/history";
import { createRng, shuffleInPlace } from "../data/random";
import { buildQueries, temporalSplit } from "../data/split";
import { ndcg } from "../evaluate/metrics";
import { CoPurchaseRecommender } from "./co-purchase";
import { TIE_BREAK } from "./decay";
import { PopularityRecommender } from "./popularity";
import { type Query, type Recommender, topK } from "./recommender";
import { maxAbsOver, Touched } from "./support";

export interface TifuKnnParams {
  /** baskets per group, m, counted from the oldest: the newest group holds what is left */
  groupSize: number;
  /** r_b: within a group, a basket weighs r_b to the power of the baskets after it */
  basketDecay: number;
  /** r_g: a group weighs r_g to the power of the groups after it */
  groupDecay: number;
  /** k: customers whose vectors are nearest the shopper's by cosine */
  neighbours: number;
  /** the shopper's own vector's share of the prediction; the neighbours' mean has the rest */
  alpha: number;
  /** the cart's co-purchase scores against the TIFU prediction, each scaled to a maximum of 1 */
  cartWeight: number;
}

/** Where the search starts. */
export const DEFAULT_TIFU_PARAMS: TifuKnnParams = {
  groupSize: 3,
  basketDecay: 0.9,
  groupDecay: 0.7,
  neighbours: 100,
  alpha: 0.9,
  cartWeight: 1,
};

const GRID: { readonly [K in keyof TifuKnnParams]: readonly number[] } = {
  groupSize: [1, 2, 3, 5, 8, 13],
  basketDecay: [0.5, 0.7, 0.9, 1],
  groupDecay: [0.3, 0.5, 0.7, 0.9, 1],
  neighbours: [10, 30, 100, 300, 1000],
  alpha: [0.2, 0.35, 0.5, 0.7, 0.9, 1],
  cartWeight: [0.25, 0.5, 1, 2, 4],
};
const COORDINATES = Object.keys(GRID) as Array<keyof TifuKnnParams>;
/** a choice must beat the current one by this much validation NDCG@10, so noise is not chased */
const MIN_GAIN = 0.0005;
const DEFAULT_POOL = 20_000;
/** one native sort of similarity and customer packed in a float64 orders neighbours, ties by index */
const SIMILARITY_STEPS = 2 ** 24;
const CUSTOMER_SPAN = 2 ** 24;

export interface TifuKnnOptions {
  seed?: number;
  /** where the search starts, or the choices themselves with `tune: false` */
  params?: Partial<TifuKnnParams>;
  /** search the grid on a validation split carved from the end of the training orders, default true */
  tune?: boolean;
  /** validation queries, default 3000 */
  validationQueries?: number;
  /** customers searched for neighbours, a seeded sample of them beyond this; default 20,000 */
  neighbourPool?: number;
}

interface SparseVector {
  items: Int32Array;
  values: Float32Array;
  norm: number;
}

const EMPTY_VECTOR: SparseVector = { items: new Int32Array(0), values: new Float32Array(0), norm: 0 };
const NO_NEIGHBOURS = new Int32Array(0);

/**
 * TIFU-KNN (Hu, He, Wang and Liu, SIGIR 2020): a customer is a vector of product frequencies over
 * their orders, later orders weighing more, and the prediction mixes it with the mean vector of the
 * k most similar customers. At checkout the cart's co-purchase scores are added with a tuned weight, so a
 * shopper without orders still gets the cart's complements; popularity breaks ties.
 */
export class TifuKnnRecommender implements Recommender {
  readonly name = "TIFU-KNN";
  params: TifuKnnParams;
  private space = UserSpace.build([], 0, new Int32Array(0));
  private readonly coPurchase = new CoPurchaseRecommender();
  private readonly popularity = new PopularityRecommender();
  /** fitted customers by the signature of the history their orders give */
  private known = new Map<string, number>();
  private personal = new Float32Array(0);
  private cart = new Float32Array(0);
  private readonly personalTouched = new Touched();
  private readonly cartTouched = new Touched();

  constructor(private readonly options: TifuKnnOptions = {}) {
    this.params = { ...DEFAULT_TIFU_PARAMS, ...options.params };
  }

  async fit(train: Dataset): Promise<void> {
    if (this.options.tune ?? true) await this.tune(train);
    await this.fitParts(train);
    const orders = customerOrders(train);
    this.space = this.buildSpace(train, orders, this.params);
    // TIFU needs a shopper's order sequence, and a checkout carries a history (each product's count
    // and days since last bought): a history the fit has seen is read from the orders that gave it,
    // any other from its last-purchase days (basketsOf).
    const historyOf = customerHistories(train);
    this.known = new Map();
    orders.forEach((list, customer) => {
      if (list.length > 0) this.known.set(signatureOf(historyOf(customer)), customer);
    });
  }

  score(query: Query, out: Float32Array): void {
    const p = this.params;
    const customer = this.known.get(signatureOf(query.history)) ?? -1;
    const own = customer >= 0 ? this.space.row(customer) : vectorOf(basketsOf(query.history, out.length), p);
    const neighbours = p.alpha < 1 ? this.space.nearest(own, customer, p.neighbours) : NO_NEIGHBOURS;
    this.blend(this.space, own, neighbours, query.cart, p, out);
  }

  /** Coordinate search over GRID, two passes, on the latest fifth of the training orders. */
  private async tune(train: Dataset): Promise<void> {
    const { train: fitPart, test: validation } = temporalSplit(train, 0.2);
    const queries = buildQueries(fitPart, validation, {
      seed: this.options.seed ?? 7,
      maxQueries: this.options.validationQueries ?? 3000,
    });
    if (queries.length < 20) return;
    await this.fitParts(fitPart);
    const orders = customerOrders(fitPart);
    const reach = Math.max(this.params.neighbours, ...GRID.neighbours);
    // The vectors and neighbour lists depend on m, r_b and r_g only: k, alpha and the cart weight
    // are searched over the same lists.
    const spaces = new Map<string, { space: UserSpace; nearest: Int32Array[] }>();
    const neighbourhood = (p: TifuKnnParams) => {
      const key = `${p.groupSize} ${p.basketDecay} ${p.groupDecay}`;
      let found = spaces.get(key);
      if (!found) {
        if (spaces.size >= 8) spaces.clear();
        const space = this.buildSpace(fitPart, orders, p);
        const nearest = queries.map((q) =>
          q.returning ? space.nearest(space.row(q.customer), q.customer, reach) : NO_NEIGHBOURS,
        );
        found = { space, nearest };
        spaces.set(key, found);
      }
      return found;
    };
    const out = new Float32Array(numProducts(fitPart));
    const measure = (p: TifuKnnParams) => {
      const { space, nearest } = neighbourhood(p);
      let total = 0;
      queries.forEach((q, i) => {
        const own = q.returning ? space.row(q.customer) : EMPTY_VECTOR;
        const neighbours = p.alpha < 1 ? nearest[i]!.subarray(0, p.neighbours) : NO_NEIGHBOURS;
        this.blend(space, own, neighbours, q.cart, p, out);
        total += ndcg(topK(out, 10, q.cart), new Set(q.targets), 10);
      });
      return total / queries.length;
    };
    let best = { ...this.params };
    let bestScore = measure(best);
    for (let pass = 0; pass < 2; pass++) {
      for (const name of COORDINATES) {
        for (const value of GRID[name]) {
          if (value === best[name]) continue;
          const trial = { ...best, [name]: value };
          const score = measure(trial);
          if (score > bestScore + MIN_GAIN) [best, bestScore] = [trial, score];
        }
      }
    }
    this.params = best;
  }

  private async fitParts(data: Dataset): Promise<void> {
    await this.coPurchase.fit(data);
    await this.popularity.fit(data);
    this.personal = new Float32Array(numProducts(data));
    this.cart = new Float32Array(numProducts(data));
  }

  private buildSpace(data: Dataset, orders: Int32Array[], p: TifuKnnParams): UserSpace {
    const vectors = orders.map((list) =>
      list.length === 0
        ? EMPTY_VECTOR
        : vectorOf(
            Array.from(list, (o) => orderProducts(data, o)),
            p,
          ),
    );
    const customers = vectors.flatMap((v, c) => (v.norm > 0 ? [c] : []));
    const limit = this.options.neighbourPool ?? DEFAULT_POOL;
    const pool =
      customers.length <= limit
        ? customers
        : shuffleInPlace(createRng(this.options.seed ?? 7), customers)
            .slice(0, limit)
            .sort((a, b) => a - b);
    return UserSpace.build(vectors, numProducts(data), Int32Array.from(pool));
  }

  /** out = prediction + cart weight x co-purchase (each scaled to max 1) + popularity tie-break. */
  private blend(
    space: UserSpace,
    own: SparseVector,
    neighbours: Int32Array,
    cart: readonly number[],
    p: TifuKnnParams,
    out: Float32Array,
  ): void {
    const { personal, personalTouched } = this;
    personalTouched.clear(personal);
    for (let t = 0; t < own.items.length; t++) {
      personal[own.items[t]!]! += p.alpha * own.values[t]!;
      personalTouched.add(own.items[t]!);
    }
    if (neighbours.length > 0) {
      space.addRows(neighbours, (1 - p.alpha) / neighbours.length, personal, personalTouched);
    }
    this.coPurchase.scoreCart(cart, this.cart, this.cartTouched);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = TIE_BREAK * pop[i]!;
    addScaled(out, personal, personalTouched, 1);
    addScaled(out, this.cart, this.cartTouched, p.cartWeight);
  }
}

/**
 * Customers' vectors (customer c's is row c) and, for the neighbour search, each product's list of
 * the pool's customers who bought it, so a similarity costs only the products two customers share.
 */
class UserSpace {
  private readonly dots: Float64Array;
  private readonly seen = new Touched();

  private constructor(
    private readonly vectors: SparseVector[],
    private readonly start: Int32Array,
    private readonly buyers: Int32Array,
    private readonly weights: Float32Array,
  ) {
    this.dots = new Float64Array(vectors.length);
  }

  static build(vectors: SparseVector[], products: number, pool: Int32Array): UserSpace {
    if (vectors.length > CUSTOMER_SPAN) throw new Error("too many customers for the neighbour search");
    const start = new Int32Array(products + 1);
    for (const c of pool) for (const item of vectors[c]!.items) start[item + 1]!++;
    for (let i = 0; i < products; i++) start[i + 1]! += start[i]!;
    const cursor = start.slice(0, products);
    const buyers = new Int32Array(start[products]!);
    const weights = new Float32Array(start[products]!);
    for (const c of pool) {
      const { items, values } = vectors[c]!;
      for (let t = 0; t < items.length; t++) {
        const at = cursor[items[t]!]!++;
        buyers[at] = c;
        weights[at] = values[t]!;
      }
    }
    return new UserSpace(vectors, start, buyers, weights);
  }

  row(customer: number): SparseVector {
    return this.vectors[customer] ?? EMPTY_VECTOR;
  }

  /** The k pool customers most similar to `vector` by cosine, best first, never `self`. */
  nearest(vector: SparseVector, self: number, k: number): Int32Array {
    if (k <= 0 || vector.norm === 0) return NO_NEIGHBOURS;
    const { dots, seen } = this;
    seen.reset(dots.length);
    for (let t = 0; t < vector.items.length; t++) {
      const item = vector.items[t]!;
      if (item + 1 >= this.start.length) continue;
      const value = vector.values[t]!;
      for (let p = this.start[item]!; p < this.start[item + 1]!; p++) {
        seen.add(this.buyers[p]!);
        dots[this.buyers[p]!]! += value * this.weights[p]!;
      }
    }
    const keys = new Float64Array(seen.size);
    let kept = 0;
    for (let s = 0; s < seen.size; s++) {
      const c = seen.list[s]!;
      const similarity = dots[c]! / (vector.norm * this.vectors[c]!.norm);
      dots[c] = 0;
      if (c === self) continue;
      keys[kept++] = Math.max(0, Math.round((1 - similarity) * SIMILARITY_STEPS)) * CUSTOMER_SPAN + c;
    }
    const sorted = keys.subarray(0, kept).sort();
    return Int32Array.from(sorted.subarray(0, Math.min(k, kept)), (key) => key % CUSTOMER_SPAN);
  }

  /** Adds weight x each customer's vector to `out`. */
  addRows(customers: Int32Array, weight: number, out: Float32Array, touched: Touched): void {
    for (const c of customers) {
      const { items, values } = this.vectors[c]!;
      for (let t = 0; t < items.length; t++) {
        out[items[t]!]! += weight * values[t]!;
        touched.add(items[t]!);
      }
    }
  }
}

/**
 * The TIFU vector of baskets given oldest first: groups of m baskets from the oldest, the newest
 * group holding what is left; a group's vector is the mean of its baskets, each decayed by r_b per
 * later basket in the group, and the customer's is the mean of the groups, each decayed by r_g per
 * later group.
 */
export function vectorOf(baskets: readonly ArrayLike<number>[], p: TifuKnnParams): SparseVector {
  const n = baskets.length;
  const m = Math.max(1, Math.round(p.groupSize));
  const groups = Math.ceil(n / m);
  const sums = new Map<number, number>();
  for (let f = 0; f < n; f++) {
    const group = Math.floor(f / m);
    const size = group < groups - 1 ? m : n - m * (groups - 1);
    const later = size - 1 - (f - group * m);
    const weight = (p.groupDecay ** (groups - 1 - group) * p.basketDecay ** later) / (size * groups);
    const basket = baskets[f]!;
    for (let i = 0; i < basket.length; i++) sums.set(basket[i]!, (sums.get(basket[i]!) ?? 0) + weight);
  }
  const entries = [...sums].filter(([, value]) => Math.fround(value) > 0).sort((a, b) => a[0] - b[0]);
  const values = Float32Array.from(entries, ([, value]) => value);
  let squares = 0;
  for (const value of values) squares += value * value;
  return { items: Int32Array.from(entries, ([item]) => item), values, norm: Math.sqrt(squares) };
}

/** Each customer's orders, oldest first, indexed by customer. */
function customerOrders(data: Dataset): Int32Array[] {
  const lists: number[][] = data.catalog.customerIds.map(() => []);
  const byTime = Array.from({ length: numOrders(data) }, (_, o) => o).sort(
    (a, b) => data.orderTime[a]! - data.orderTime[b]! || a - b,
  );
  for (const o of byTime) {
    const customer = data.orderCustomer[o]!;
    if (customer >= 0) lists[customer]!.push(o);
  }
  return lists.map((list) => Int32Array.from(list));
}

/** What tells histories apart: each product with its purchase count and days since last bought. */
function signatureOf(history: History): string {
  const { items, counts, ages } = history;
  if (items.length === 0 || !counts || !ages) return "";
  const order = Array.from(items.keys()).sort((a, b) => items[a]! - items[b]!);
  return order.map((i) => `${items[i]}:${counts[i]}:${ages[i]}`).join(",");
}

/**
 * A history the fit has not seen, read as orders: products last bought at the same time form one
 * basket, oldest first. A history keeps only a product's last purchase, so earlier ones are lost.
 */
function basketsOf(history: History, products: number): Int32Array[] {
  const byAge = new Map<number, number[]>();
  history.items.forEach((item, i) => {
    if (item >= products) return;
    const age = history.ages?.[i] ?? 0;
    byAge.set(age, [...(byAge.get(age) ?? []), item]);
  });
  return [...byAge].sort((a, b) => b[0] - a[0]).map(([, items]) => Int32Array.from(items));
}

/** Adds weight x values / max(values) over the touched products (nothing when all are zero). */
function addScaled(out: Float32Array, values: Float32Array, touched: Touched, weight: number): void {
  const max = maxAbsOver(values, touched);
  if (max === 0 || weight === 0) return;
  const scale = weight / max;
  for (let t = 0; t < touched.size; t++) {
    const item = touched.list[t]!;
    out[item]! += scale * values[item]!;
  }
}
