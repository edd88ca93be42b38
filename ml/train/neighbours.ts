import { float32s, int32s, type ModelArrays, topK } from "./recommender";
import type { Touched } from "./support";

/**
 * Each product's strongest neighbours with a similarity, stored CSR: the neighbours of product i are
 * `neighbours[start[i] .. start[i + 1])`. Co-purchase and content similarity both rank a cart by
 * summing its products' lists.
 */
export class NeighbourLists {
  constructor(
    private readonly start: Int32Array = new Int32Array(1),
    private readonly neighbours: Int32Array = new Int32Array(0),
    private readonly similarity: Float32Array = new Float32Array(0),
  ) {}

  /** Sum of the cart products' neighbour similarities, zero elsewhere; `touched` gets the products listed. */
  scoreCart(cart: readonly number[], out: Float32Array, touched?: Touched): void {
    if (touched) touched.clear(out);
    else out.fill(0);
    for (const item of cart) {
      if (item < 0 || item + 1 >= this.start.length) continue;
      for (let p = this.start[item]!; p < this.start[item + 1]!; p++) {
        out[this.neighbours[p]!]! += this.similarity[p]!;
        touched?.add(this.neighbours[p]!);
      }
    }
  }

  /**
   * Per product, how it hangs together with the cart: its highest similarity to a cart product, how
   * many cart products list it, and its best 0-based place in their lists (`absent` when none).
   */
  cartLinks(
    cart: readonly number[],
    max: Float32Array,
    count: Float32Array,
    place: Float32Array,
    absent: number,
    touched: Touched,
  ): void {
    // Only the products the last cart's lists named are reset: the rest hold no link already.
    if (!touched.covers(max.length)) {
      max.fill(0);
      count.fill(0);
      place.fill(absent);
    }
    for (let t = 0; t < touched.size; t++) {
      const j = touched.list[t]!;
      max[j] = 0;
      count[j] = 0;
      place[j] = absent;
    }
    touched.reset(max.length);
    for (const item of cart) {
      if (item < 0 || item + 1 >= this.start.length) continue;
      const from = this.start[item]!;
      for (let p = from; p < this.start[item + 1]!; p++) {
        const j = this.neighbours[p]!;
        touched.add(j);
        if (this.similarity[p]! > max[j]!) max[j] = this.similarity[p]!;
        count[j]! += 1;
        if (p - from < place[j]!) place[j] = p - from;
      }
    }
  }

  /** Calls `visit` with each neighbour of `item` and its similarity, best first. */
  forEach(item: number, visit: (neighbour: number, similarity: number) => void): void {
    if (item < 0 || item + 1 >= this.start.length) return;
    for (let p = this.start[item]!; p < this.start[item + 1]!; p++) {
      visit(this.neighbours[p]!, this.similarity[p]!);
    }
  }

  /** The cart product whose list holds `item` with the highest similarity (-1 when none). */
  strongestLink(cart: readonly number[], item: number): { product: number; similarity: number } {
    let product = -1;
    let best = 0;
    for (const c of cart) {
      if (c < 0 || c + 1 >= this.start.length) continue;
      for (let p = this.start[c]!; p < this.start[c + 1]!; p++) {
        if (this.neighbours[p] === item && this.similarity[p]! > best) {
          product = c;
          best = this.similarity[p]!;
        }
      }
    }
    return { product, similarity: best };
  }

  state(): ModelArrays {
    return { start: this.start, neighbours: this.neighbours, similarity: this.similarity };
  }

  static restore(state: ModelArrays): NeighbourLists {
    return new NeighbourLists(int32s(state.start, [0]), int32s(state.neighbours), float32s(state.similarity));
  }
}

/** Collects lists product by product, in catalog order, keeping each one's `keep` best. */
export class NeighbourListBuilder {
  private readonly start: Int32Array;
  private readonly neighbours: number[] = [];
  private readonly similarity: number[] = [];
  private next = 0;

  constructor(
    private readonly products: number,
    private readonly keep: number,
  ) {
    this.start = new Int32Array(products + 1);
  }

  /** Product i's list from its candidates and their similarities (parallel arrays). */
  add(i: number, candidates: readonly number[], similarities: Float32Array): void {
    while (this.next <= i) this.start[this.next++] = this.neighbours.length;
    for (const b of topK(similarities, this.keep)) {
      this.neighbours.push(candidates[b]!);
      this.similarity.push(similarities[b]!);
    }
  }

  build(): NeighbourLists {
    while (this.next <= this.products) this.start[this.next++] = this.neighbours.length;
    return new NeighbourLists(
      this.start,
      Int32Array.from(this.neighbours),
      Float32Array.from(this.similarity),
    );
  }
}

/**
 * A model that ranks a cart by summing its products' neighbour lists (co-purchase, content): what
 * it stores, and every read of the lists, are the lists'.
 */
export abstract class NeighbourListModel {
  protected lists = new NeighbourLists();

  /** how many neighbours each product keeps: a product absent from a list ranks there */
  protected abstract readonly listLength: number;

  state(): ModelArrays {
    return this.lists.state();
  }

  restore(state: ModelArrays): void {
    this.lists = NeighbourLists.restore(state);
  }

  /** Sum of the cart products' similarities, zero elsewhere; `touched` gets the products listed. */
  scoreCart(cart: readonly number[], out: Float32Array, touched?: Touched): void {
    this.lists.scoreCart(cart, out, touched);
  }

  /** See NeighbourLists.cartLinks. */
  cartLinks(
    cart: readonly number[],
    max: Float32Array,
    count: Float32Array,
    place: Float32Array,
    touched: Touched,
  ): void {
    this.lists.cartLinks(cart, max, count, place, this.listLength, touched);
  }

  /** The cart product `item` is most similar to, and how much (-1 when none). */
  strongestLink(cart: readonly number[], item: number): { product: number; similarity: number } {
    return this.lists.strongestLink(cart, item);
  }
}
