import type { Dataset } from "../data/dataset";
import type { History } from "../data/history";

/** A checkout to rank for: the known products in the cart and the shopper's purchase history. */
export interface Query {
  cart: readonly number[];
  history: History;
}

/**
 * Every model, from popularity to a TF.js matrix factorization, sits behind this interface. `fit`
 * is async so that models that train on a backend (TF.js) fit without blocking the event loop;
 * `score` writes one score per catalog product (higher is better) and must be cheap and pure.
 */
export interface Recommender {
  readonly name: string;
  fit(train: Dataset): Promise<void>;
  score(query: Query, out: Float32Array): void;
}

/** A fitted model's numbers, for storing it and loading it back without refitting. */
export type ModelArrays = Record<string, Float32Array | Int32Array>;

/**
 * A stored array as the type a part reads, used as it is when it already is one: a decoded model's
 * arrays are its own, and copying them again held a server's event loop for tens of milliseconds.
 * Fitted arrays are never written after the fit, so sharing them is safe.
 */
export function int32s(array?: ArrayLike<number>, empty: number[] = []): Int32Array<ArrayBuffer> {
  return array instanceof Int32Array && onHeap(array)
    ? (array as Int32Array<ArrayBuffer>)
    : Int32Array.from(array ?? empty);
}

export function float32s(array?: ArrayLike<number>, empty: number[] = []): Float32Array<ArrayBuffer> {
  return array instanceof Float32Array && onHeap(array)
    ? (array as Float32Array<ArrayBuffer>)
    : Float32Array.from(array ?? empty);
}

function onHeap(array: Int32Array | Float32Array): boolean {
  return array.buffer instanceof ArrayBuffer;
}

/**
 * Indices of the k highest scores, best first, never a cart product. Ties go to the lower index, so
 * results are deterministic; returns fewer than k only when the catalog is smaller.
 */
export function topK(scores: ArrayLike<number>, k: number, exclude: ArrayLike<number> = []): number[] {
  const excluded = new Set<number>();
  for (let i = 0; i < exclude.length; i++) excluded.add(exclude[i]!);
  const best: number[] = [];
  const bestScore: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = Number.isNaN(scores[i]!) ? Number.NEGATIVE_INFINITY : scores[i]!;
    if (best.length === k && !(s > bestScore[k - 1]!)) continue;
    // Only a product that would enter the list is looked up: the whole catalog is scanned per query.
    if (excluded.has(i)) continue;
    let pos = best.length === k ? k - 1 : best.length;
    while (pos > 0 && s > bestScore[pos - 1]!) {
      best[pos] = best[pos - 1]!;
      bestScore[pos] = bestScore[pos - 1]!;
      pos--;
    }
    best[pos] = i;
    bestScore[pos] = s;
  }
  return best;
}

/** Ranks the catalog for one query with a fitted model. */
export function recommendTop(model: Recommender, query: Query, k: number, buffer: Float32Array): number[] {
  model.score(query, buffer);
  return topK(buffer, k, query.cart);
}
