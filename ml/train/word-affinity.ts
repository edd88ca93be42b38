import { type Dataset, numOrders, numProducts, orderProducts } from "../data/dataset";
import { maxWordProducts, productWords } from "./content";
import { TIE_BREAK } from "./decay";
import { NeighbourListBuilder, NeighbourLists } from "./neighbours";
import { PopularityRecommender } from "./popularity";
import { int32s, type ModelArrays, type Query, type Recommender } from "./recommender";
import type { Support } from "./support";

export interface WordAffinityOptions {
  /** partner words kept per word, default 50 */
  partners?: number;
}

/** smoothing of the co-occurrence ratio: a pair seen once in a small shop says little */
const PRIOR_PAIRS = 0.1;
const PRIOR_EXPECTED = 1;

/**
 * Words that sell together: how much more often than chance an order holds a product named with
 * word a next to another product named with word b. Shoppers often buy a print, a character or an
 * occasion across product types ("spaceboy" lunch box, cake cases and apron), which co-purchase
 * between individual products and likeness of names both miss. A word's partners include itself:
 * that is the loyalty to a theme. It scores any product with known words, including one nobody has
 * bought yet.
 */
export class WordAffinityRecommender implements Recommender {
  readonly name = "word-affinity";
  /** words of product i: `words[wordStart[i] .. wordStart[i + 1])` */
  private wordStart = new Int32Array(1);
  private words = new Int32Array(0);
  /** each word's partner words with the log of the co-occurrence ratio */
  private partners = new NeighbourLists();
  private profile = new Float32Array(0);
  private readonly popularity = new PopularityRecommender();

  constructor(private readonly options: WordAffinityOptions = {}) {}

  async fit(train: Dataset): Promise<void> {
    await this.popularity.fit(train);
    const n = numProducts(train);
    const docs = Array.from({ length: n }, (_, i) => productWords(train.catalog, i));
    // Common words are left out: they would dilute every product's average and cost the most to
    // score, since every checkout visits each of their products.
    const products = new Map<string, number>();
    for (const words of docs) for (const w of words) products.set(w, (products.get(w) ?? 0) + 1);
    const maxProducts = maxWordProducts(n);
    const vocabulary = new Map<string, number>();
    const perProduct = docs.map((words) =>
      words
        .filter((w) => products.get(w)! <= maxProducts)
        .map((w) => {
          let id = vocabulary.get(w);
          if (id === undefined) {
            id = vocabulary.size;
            vocabulary.set(w, id);
          }
          return id;
        }),
    );
    this.wordStart = new Int32Array(n + 1);
    perProduct.forEach((list, i) => {
      this.wordStart[i + 1] = this.wordStart[i]! + list.length;
    });
    this.words = Int32Array.from(perProduct.flat());
    const bags = orderWordBags(train, this.wordStart, this.words, vocabulary.size);
    this.partners = affinityLists(bags, vocabulary.size, this.options.partners ?? 50);
    this.profile = new Float32Array(vocabulary.size);
  }

  /** How many words a cart's profile may name: the size of scoreCart's `profile`. */
  get vocabularySize(): number {
    return this.profile.length;
  }

  /**
   * Sum over the cart's words of their partners' affinities, averaged over each product's words.
   * `profile` (vocabularySize zeros, left as zeros) is where the cart's words are summed.
   */
  scoreCart(cart: readonly number[], out: Float32Array, profile: Float32Array = this.profile): void {
    out.fill(0);
    const touched = this.profileOf(cart, profile);
    if (touched.length === 0) return;
    // One pass over every product's words: a cart's profile reaches common words, whose products
    // would be visited again and again through word -> products lists.
    const products = Math.min(out.length, this.wordStart.length - 1);
    for (let i = 0; i < products; i++) out[i] = this.productScore(i, profile);
    for (const word of touched) profile[word] = 0;
  }

  /** scoreCart's value for the listed products only; `out` is left as it was everywhere else. */
  scoreCartOver(cart: readonly number[], products: Support, out: Float32Array, profile: Float32Array): void {
    const touched = this.profileOf(cart, profile);
    const { list, size } = products;
    const known = this.wordStart.length - 1;
    for (let t = 0; t < size; t++) {
      const i = list[t]!;
      out[i] = touched.length === 0 || i >= known ? 0 : this.productScore(i, profile);
    }
    for (const word of touched) profile[word] = 0;
  }

  /** Sums the cart's words' partners into `profile`; returns the words it set. */
  private profileOf(cart: readonly number[], profile: Float32Array): number[] {
    const touched: number[] = [];
    for (const item of cart) {
      if (item < 0 || item + 1 >= this.wordStart.length) continue;
      const from = this.wordStart[item]!;
      const count = this.wordStart[item + 1]! - from;
      for (let p = from; p < from + count; p++) {
        this.partners.forEach(this.words[p]!, (word, affinity) => {
          if (profile[word] === 0) touched.push(word);
          profile[word]! += affinity / count;
        });
      }
    }
    return touched;
  }

  /** The mean of the profile over product i's words (0 for a product without words). */
  private productScore(i: number, profile: Float32Array): number {
    const from = this.wordStart[i]!;
    const to = this.wordStart[i + 1]!;
    if (from === to) return 0;
    let sum = 0;
    for (let p = from; p < to; p++) sum += profile[this.words[p]!]!;
    return sum / (to - from);
  }

  score(query: Query, out: Float32Array): void {
    this.scoreCart(query.cart, out);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }

  state(): ModelArrays {
    const { start, neighbours, similarity } = this.partners.state();
    return {
      wordStart: this.wordStart,
      words: this.words,
      partnerStart: start!,
      partners: neighbours!,
      affinity: similarity!,
    };
  }

  restore(state: ModelArrays): void {
    this.wordStart = int32s(state.wordStart, [0]);
    this.words = int32s(state.words);
    this.partners = NeighbourLists.restore({
      start: state.partnerStart ?? new Int32Array(1),
      neighbours: state.partners ?? new Int32Array(0),
      similarity: state.affinity ?? new Float32Array(0),
    });
    // One slot per word the products or the partner lists name.
    let vocabulary = 0;
    for (const w of this.words) vocabulary = Math.max(vocabulary, w + 1);
    for (const w of state.partners ?? []) vocabulary = Math.max(vocabulary, w + 1);
    this.profile = new Float32Array(vocabulary);
  }
}

/**
 * Per order, its distinct words and how many of its products carry each (CSR), and per word the
 * orders holding it, for the affinity pass.
 */
interface WordBags {
  start: Int32Array;
  words: Int32Array;
  counts: Float32Array;
  /** 1 / (products in the order - 1): each product spreads one unit over its order's other products */
  weight: Float32Array;
  ordersStart: Int32Array;
  orders: Int32Array;
  /** the count of the posting's word in that order */
  ordersCount: Float32Array;
}

function orderWordBags(
  data: Dataset,
  wordStart: Int32Array,
  words: Int32Array,
  vocabulary: number,
): WordBags {
  const orders = numOrders(data);
  const start = new Int32Array(orders + 1);
  const bagWords: number[] = [];
  const bagCounts: number[] = [];
  const weight = new Float32Array(orders);
  const seen = new Float32Array(vocabulary);
  const touched: number[] = [];
  for (let o = 0; o < orders; o++) {
    const items = orderProducts(data, o);
    weight[o] = items.length > 1 ? 1 / (items.length - 1) : 0;
    for (const item of items) {
      for (let p = wordStart[item]!; p < wordStart[item + 1]!; p++) {
        const w = words[p]!;
        if (seen[w] === 0) touched.push(w);
        seen[w]! += 1;
      }
    }
    for (const w of touched) {
      bagWords.push(w);
      bagCounts.push(seen[w]!);
      seen[w] = 0;
    }
    touched.length = 0;
    start[o + 1] = bagWords.length;
  }
  const ordersStart = new Int32Array(vocabulary + 1);
  for (const w of bagWords) ordersStart[w + 1]! += 1;
  for (let w = 0; w < vocabulary; w++) ordersStart[w + 1]! += ordersStart[w]!;
  const next = ordersStart.slice(0, vocabulary);
  const postings = new Int32Array(bagWords.length);
  const postingCounts = new Float32Array(bagWords.length);
  for (let o = 0; o < orders; o++) {
    for (let p = start[o]!; p < start[o + 1]!; p++) {
      const at = next[bagWords[p]!]!++;
      postings[at] = o;
      postingCounts[at] = bagCounts[p]!;
    }
  }
  return {
    start,
    words: Int32Array.from(bagWords),
    counts: Float32Array.from(bagCounts),
    weight,
    ordersStart,
    orders: postings,
    ordersCount: postingCounts,
  };
}

/**
 * For each word a, its partners b by log((pairs + prior) / (expected + prior)), where pairs counts
 * the (product with a, other product with b) pairs within orders, each product's pairs weighted to
 * one unit, and expected is what independent words would give. Only partners above chance are kept.
 */
function affinityLists(bags: WordBags, vocabulary: number, keep: number): NeighbourLists {
  const occurrences = new Float64Array(vocabulary);
  for (let o = 0; o + 1 < bags.start.length; o++) {
    if (bags.weight[o] === 0) continue;
    for (let p = bags.start[o]!; p < bags.start[o + 1]!; p++) occurrences[bags.words[p]!]! += bags.counts[p]!;
  }
  let total = 0;
  for (const c of occurrences) total += c;
  const pairs = new Float64Array(vocabulary);
  const touched: number[] = [];
  const builder = new NeighbourListBuilder(vocabulary, keep);
  for (let a = 0; a < vocabulary; a++) {
    for (let q = bags.ordersStart[a]!; q < bags.ordersStart[a + 1]!; q++) {
      const o = bags.orders[q]!;
      const weight = bags.weight[o]!;
      if (weight === 0) continue;
      const withA = bags.ordersCount[q]!;
      for (let p = bags.start[o]!; p < bags.start[o + 1]!; p++) {
        const b = bags.words[p]!;
        // Pairs of two different products: a product carrying both words is not its own partner.
        const count = b === a ? withA * (withA - 1) : withA * bags.counts[p]!;
        if (count === 0) continue;
        if (pairs[b] === 0) touched.push(b);
        pairs[b]! += count * weight;
      }
    }
    if (touched.length === 0) continue;
    const kept: number[] = [];
    const affinities: number[] = [];
    for (const b of touched) {
      const expected = (occurrences[a]! * occurrences[b]!) / total;
      const affinity = Math.log((pairs[b]! + PRIOR_PAIRS) / (expected + PRIOR_EXPECTED));
      if (affinity > 0) {
        kept.push(b);
        affinities.push(affinity);
      }
      pairs[b] = 0;
    }
    touched.length = 0;
    if (kept.length > 0) builder.add(a, kept, Float32Array.from(affinities));
  }
  return builder.build();
}
