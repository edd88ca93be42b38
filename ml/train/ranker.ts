import { float32s, int32s, type ModelArrays } from "./recommender";

/**
 * Learning to rank with gradient-boosted trees and the LambdaMART objective (Burges 2010): each tree
 * fits the per-item gradients of NDCG over the item pairs of a query, so the ensemble learns how the
 * signals interact (buy-again matters more to a shopper with a long history, content matters when
 * co-purchase is silent) instead of one fixed weight per signal.
 */

/** Queries as groups of candidate rows: `rows[groups[q] .. groups[q + 1])` belong to query q. */
export interface RankingData {
  featureCount: number;
  /** row-major rows x featureCount */
  features: Float32Array;
  /** 1 when the candidate is a target */
  labels: Uint8Array;
  groups: Int32Array;
  /** targets of each query, those outside the candidates included (for the ideal DCG) */
  targets: Int32Array;
  /**
   * Where each query came from (several queries may share a source, e.g. carts of one order): the
   * holdout takes whole sources, so that it measures the ranker on sources it did not fit. Default:
   * every query its own source.
   */
  sources?: Int32Array;
}

export interface RankerOptions {
  trees?: number;
  depth?: number;
  shrinkage?: number;
  /** smallest number of rows in a leaf */
  minLeaf?: number;
  /** L2 on leaf values */
  lambda?: number;
  bins?: number;
  /** share of queries held out to pick the number of trees */
  holdout?: number;
  /** stop after this many trees without a better holdout NDCG */
  patience?: number;
  /** share of the fitting queries each tree sees (stochastic boosting), default 0.5 */
  sample?: number;
  seed?: number;
}

export const K = 10;

/** A fitted ensemble: flat node arrays over all trees; a node with feature -1 is a leaf. */
export class Ranker {
  constructor(
    readonly feature: Int32Array,
    readonly threshold: Float32Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly value: Float32Array,
    readonly roots: Int32Array,
  ) {
    // One interleaved record per node (feature, threshold or leaf value, left, right): predict()
    // walks it a cache line per step, and the compiled trees are read from it.
    const buffer = new ArrayBuffer(feature.length * 16);
    this.nodeInts = new Int32Array(buffer);
    this.nodeFloats = new Float32Array(buffer);
    for (let node = 0; node < feature.length; node++) {
      const at = node * 4;
      this.nodeInts[at] = feature[node]!;
      this.nodeFloats[at + 1] = feature[node]! >= 0 ? threshold[node]! : value[node]!;
      this.nodeInts[at + 2] = left[node]!;
      this.nodeInts[at + 3] = right[node]!;
    }
  }

  private readonly nodeInts: Int32Array;
  private readonly nodeFloats: Float32Array;

  static empty(): Ranker {
    return new Ranker(
      new Int32Array(0),
      new Float32Array(0),
      new Int32Array(0),
      new Int32Array(0),
      new Float32Array(0),
      new Int32Array(0),
    );
  }

  get trees(): number {
    return this.roots.length;
  }

  /** The score of one row of `features` starting at `offset`. */
  predict(features: ArrayLike<number>, offset = 0): number {
    const ints = this.nodeInts;
    const floats = this.nodeFloats;
    let sum = 0;
    for (let t = 0; t < this.roots.length; t++) {
      let at = this.roots[t]! * 4;
      let feature = ints[at]!;
      while (feature >= 0) {
        at = (features[offset + feature]! < floats[at + 1]! ? ints[at + 2]! : ints[at + 3]!) * 4;
        feature = ints[at]!;
      }
      sum += floats[at + 1]!;
    }
    return sum;
  }

  /**
   * The scores of `rows` rows of `features` (featureCount each) into `out`, exactly as predict()
   * gives them, through the trees compiled to code.
   */
  predictRows(features: Float32Array, featureCount: number, rows: number, out: Float64Array): void {
    this.compiled ??= compileTrees(this.nodeInts, this.nodeFloats, this.roots);
    const chunks = this.compiled;
    for (let r = 0, offset = 0; r < rows; r++, offset += featureCount) {
      let sum = 0;
      for (let c = 0; c < chunks.length; c++) sum = chunks[c]!(features, offset, sum);
      out[r] = sum;
    }
  }

  private compiled: CompiledTrees[] | null = null;

  state(): ModelArrays {
    const { feature, threshold, left, right, value, roots } = this;
    return { feature, threshold, left, right, value, roots };
  }

  static restore(state: ModelArrays): Ranker {
    const ranker = new Ranker(
      int32s(state.feature),
      float32s(state.threshold),
      int32s(state.left),
      int32s(state.right),
      float32s(state.value),
      int32s(state.roots),
    );
    return ranker;
  }

  /**
   * Compiles the trees a few functions at a time, calling each once, with `pause` between: a
   * function's first call compiles it, which for a whole ensemble held a server's event loop for
   * about 100 ms. A malformed ensemble is refused here, where a model is read, not at a checkout.
   */
  async prepare(pause: () => Promise<void>): Promise<void> {
    const functions: CompiledTrees[] = [];
    let features = 0;
    for (let at = 0; at < this.nodeInts.length; at += 4)
      features = Math.max(features, this.nodeInts[at]! + 1);
    const row = new Float32Array(features);
    for (let from = 0; from < this.roots.length; from += TREES_PER_FUNCTION) {
      const compiled = compileTrees(
        this.nodeInts,
        this.nodeFloats,
        this.roots.subarray(from, from + TREES_PER_FUNCTION),
      );
      for (const run of compiled) {
        run(row, 0, 0);
        functions.push(run);
      }
      if ((from / TREES_PER_FUNCTION) % 4 === 3) await pause();
    }
    this.compiled = functions;
  }
}

/** Trees per compiled function: V8 optimizes a function only up to a size, and a tree is ~40 nodes. */
const TREES_PER_FUNCTION = 12;
/** Deeper than any tree the trainer grows: a deeper path means a malformed (cyclic) ensemble. */
const MAX_DEPTH = 64;

/** Adds a run of trees' leaves for the row at `offset` to `sum`, in tree order. */
type CompiledTrees = (features: Float32Array, offset: number, sum: number) => number;

/**
 * The ensemble as nested comparisons in generated functions, each adding its trees' leaves to the
 * running sum in tree order, so the result is predict()'s to the bit. Walking node records costs a
 * few dependent loads per step for every candidate of every checkout; compiled, the thresholds and
 * leaves are constants in the code. Only numbers from the node arrays go into the source.
 */
function compileTrees(ints: Int32Array, floats: Float32Array, roots: Int32Array): CompiledTrees[] {
  const nodes = ints.length / 4;
  const literal = (value: number) => (Object.is(value, -0) ? "-0" : String(value));
  const functions: CompiledTrees[] = [];
  for (let from = 0; from < roots.length; from += TREES_PER_FUNCTION) {
    const code: string[] = [];
    const emit = (node: number, depth: number) => {
      if (!Number.isInteger(node) || node < 0 || node >= nodes || depth > MAX_DEPTH) {
        throw new Error("malformed ranker: a tree points outside its nodes");
      }
      const at = node * 4;
      const feature = ints[at]!;
      if (feature < 0) {
        code.push(`s += ${literal(floats[at + 1]!)};`);
        return;
      }
      code.push(`if (f[o + ${feature}] < ${literal(floats[at + 1]!)}) {`);
      emit(ints[at + 2]!, depth + 1);
      code.push("} else {");
      emit(ints[at + 3]!, depth + 1);
      code.push("}");
    };
    for (let t = from; t < Math.min(roots.length, from + TREES_PER_FUNCTION); t++) emit(roots[t]!, 0);
    code.push("return s;");
    functions.push(new Function("f", "o", "s", code.join("\n")) as CompiledTrees);
  }
  return functions;
}
