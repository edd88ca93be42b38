/**
 * The products where a query's signal may be non-zero, each listed once: what lets a checkout
 * combine and scale sparse signals over the products they touch instead of the whole catalog. A
 * superset is fine (its extra products add zeros); a product listed twice would count twice.
 */
export interface Support {
  readonly list: ArrayLike<number>;
  readonly size: number;
}

/** A support gathered product by product: a stamp per catalog product keeps each one listed once. */
export class Touched implements Support {
  list = new Int32Array(0);
  size = 0;
  private stamps = new Int32Array(0);
  private stamp = 0;

  /** Empties the list for a catalog of `products`. */
  reset(products: number): this {
    if (this.stamps.length !== products) {
      this.stamps = new Int32Array(products);
      this.list = new Int32Array(products);
      this.stamp = 0;
    }
    this.stamp++;
    if (this.stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    this.size = 0;
    return this;
  }

  /**
   * Zeroes `values` where they were set since the last reset (all of them when the list was kept
   * for another catalog), then empties the list: a checkout clears what it wrote, not the catalog.
   * Only for values that are written nowhere but at the products this list holds.
   */
  clear(values: Float32Array): this {
    if (this.stamps.length !== values.length) values.fill(0);
    else for (let t = 0; t < this.size; t++) values[this.list[t]!] = 0;
    return this.reset(values.length);
  }

  /** Whether the list was kept for a catalog of `products` (else every value must be cleared). */
  covers(products: number): boolean {
    return this.stamps.length === products;
  }

  add(product: number): void {
    if (this.stamps[product] === this.stamp) return;
    this.stamps[product] = this.stamp;
    this.list[this.size++] = product;
  }
}

/** The largest absolute value over a support (every other value being zero). */
export function maxAbsOver(values: Float32Array, support: Support): number {
  const { list, size } = support;
  let max = 0;
  for (let t = 0; t < size; t++) {
    const v = values[list[t]!]!;
    if (v > max) max = v;
    else if (-v > max) max = -v;
  }
  return max;
}
