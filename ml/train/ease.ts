import { type Dataset, numProducts, orderProducts, productOrderCounts } from "../data/dataset";
import { buildQueries, temporalSplit } from "../data/split";
import { evaluateModel } from "../evaluate/evaluate";
import { TIE_BREAK } from "./decay";
import { invertSpd } from "./linalg/spd-inverse";
import { PopularityRecommender } from "./popularity";
import { float32s, int32s, type ModelArrays, type Query, type Recommender } from "./recommender";
import type { Support, Touched } from "./support";

export interface EaseOptions {
  /** L2 strength; default lambdaScale x the mean product order count */
  lambda?: number;
  /** used when lambda is not given, default 2 */
  lambdaScale?: number;
  /** the most-bought products that get an EASE row (the inverse is cubic), default 2000 */
  maxItems?: number;
  /**
   * the largest weights (by magnitude) kept of each row, default 64: the rest of a row is small,
   * and keeping it made the weights a dense maxItems² matrix (16 MB at 2,000) read whole per checkout
   */
  rowEntries?: number;
  /**
   * Candidate scales: when given, the one with the best NDCG@10 on a validation split carved from the
   * end of the training data wins, and lambdaScale is ignored.
   */
  tuneScales?: readonly number[];
}

/**
 * EASE (Steck 2019) over the order x product matrix: B = I - P diag(1/diag(P)) with
 * P = (XᵀX + λI)⁻¹, diag(B) = 0. A cart scores products by the sum of its rows of B.
 */
export class EaseRecommender implements Recommender {
  readonly name = "ease";
  /** fitted λ */
  lambda = 0;
  /** catalog index of each EASE row/column */
  private keep = new Int32Array(0);
  /** catalog index -> EASE row, -1 when the product has none */
  private position = new Int32Array(0);
  /** the kept weights, row by row: row r's columns and values sit at rowStart[r] to rowStart[r + 1] */
  private rowStart = new Int32Array(1);
  private rowCols = new Int32Array(0);
  private rowValues = new Float32Array(0);
  private readonly popularity = new PopularityRecommender();

  constructor(private readonly options: EaseOptions = {}) {}

  async fit(train: Dataset): Promise<void> {
    const scales = this.options.tuneScales;
    if (scales && scales.length > 1 && this.options.lambda === undefined) {
      const scale = await chooseScale(train, { ...this.options, tuneScales: undefined }, scales);
      const tuned = new EaseRecommender({ ...this.options, tuneScales: undefined, lambdaScale: scale });
      await tuned.fit(train);
      Object.assign(this, {
        lambda: tuned.lambda,
        keep: tuned.keep,
        position: tuned.position,
        rowStart: tuned.rowStart,
        rowCols: tuned.rowCols,
        rowValues: tuned.rowValues,
      });
      await this.popularity.fit(train);
      return;
    }
    await this.popularity.fit(train);
    const n = numProducts(train);
    const counts = productOrderCounts(train);
    const ranked = Array.from({ length: n }, (_, i) => i)
      .filter((i) => counts[i]! > 0)
      .sort((a, b) => counts[b]! - counts[a]! || a - b)
      .slice(0, this.options.maxItems ?? 2000);
    const m = ranked.length;
    this.keep = Int32Array.from(ranked);
    this.position = new Int32Array(n).fill(-1);
    ranked.forEach((item, row) => {
      this.position[item] = row;
    });
    const gram = new Float64Array(m * m);
    const rows: number[] = [];
    for (let o = 0; o < train.orderIds.length; o++) {
      rows.length = 0;
      for (const item of orderProducts(train, o))
        if (this.position[item]! >= 0) rows.push(this.position[item]!);
      for (const a of rows) for (const b of rows) gram[a * m + b]! += 1;
    }
    let meanCount = 0;
    for (let r = 0; r < m; r++) meanCount += gram[r * m + r]! / Math.max(1, m);
    this.lambda = this.options.lambda ?? (this.options.lambdaScale ?? 2) * Math.max(1, meanCount);
    for (let r = 0; r < m; r++) gram[r * m + r]! += this.lambda;
    const p = m > 0 ? invertSpd(gram, m) : new Float64Array(0);
    this.keepLargest(m, (r, c) => (r === c ? 0 : -p[r * m + c]! / p[c * m + c]!));
  }

  /** Keeps each row's rowEntries largest weights by magnitude, in catalog-index order of columns. */
  private keepLargest(m: number, weightOf: (row: number, column: number) => number): void {
    const entries = Math.min(m, this.options.rowEntries ?? 64);
    this.rowStart = new Int32Array(m + 1);
    const cols: number[] = [];
    const values: number[] = [];
    const row = new Float64Array(m);
    const order = Array.from({ length: m }, (_, c) => c);
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) row[c] = weightOf(r, c);
      const kept = order
        .filter((c) => row[c] !== 0)
        .sort((a, b) => Math.abs(row[b]!) - Math.abs(row[a]!) || a - b)
        .slice(0, entries)
        .sort((a, b) => a - b);
      for (const c of kept) {
        cols.push(c);
        values.push(row[c]!);
      }
      this.rowStart[r + 1] = cols.length;
    }
    this.rowCols = Int32Array.from(cols);
    this.rowValues = Float32Array.from(values);
  }

  state(): ModelArrays {
    const { keep, position, rowStart, rowCols, rowValues } = this;
    return { keep, position, rowStart, rowCols, rowValues };
  }

  restore(state: ModelArrays): void {
    this.keep = int32s(state.keep);
    this.position = int32s(state.position);
    this.rowStart = int32s(state.rowStart, [0]);
    this.rowCols = int32s(state.rowCols);
    this.rowValues = float32s(state.rowValues);
  }

  /** Weighted sum of the given products' rows of B, zero for products without a row. */
  scoreItems(
    items: ArrayLike<number>,
    itemWeights: ArrayLike<number> | null,
    out: Float32Array,
    touched?: Touched,
  ): void {
    const { keep, rowStart, rowCols, rowValues } = this;
    // Only products with a row are ever written: they are the ones to clear, or fewer when
    // `touched` lists the products the last call wrote (and will list this call's).
    if (touched) touched.clear(out);
    else if (out.length !== this.position.length) out.fill(0);
    else for (let c = 0; c < keep.length; c++) out[keep[c]!] = 0;
    for (let t = 0; t < items.length; t++) {
      const row = this.position[items[t]!] ?? -1;
      if (row < 0) continue;
      const w = itemWeights ? itemWeights[t]! : 1;
      for (let e = rowStart[row]!; e < rowStart[row + 1]!; e++) {
        const product = keep[rowCols[e]!]!;
        out[product] = out[product]! + w * rowValues[e]!;
        touched?.add(product);
      }
    }
  }

  /** The products with a row: the only ones scoreItems may score above zero. */
  get support(): Support {
    return { list: this.keep, size: this.keep.length };
  }

  /** B[from][to], 0 when either product has no row. */
  weight(from: number, to: number): number {
    const r = this.position[from] ?? -1;
    const c = this.position[to] ?? -1;
    if (r < 0 || c < 0) return 0;
    for (let e = this.rowStart[r]!; e < this.rowStart[r + 1]!; e++) {
      if (this.rowCols[e] === c) return this.rowValues[e]!;
    }
    return 0;
  }

  score(query: Query, out: Float32Array): void {
    this.scoreItems(query.cart, null, out);
    const pop = this.popularity.scores;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + TIE_BREAK * pop[i]!;
  }
}

async function chooseScale(train: Dataset, options: EaseOptions, scales: readonly number[]): Promise<number> {
  const { train: fitPart, test } = temporalSplit(train, 0.2);
  const queries = buildQueries(fitPart, test, { maxQueries: 2000 });
  let best = { scale: scales[0]!, ndcg: -1 };
  for (const scale of scales) {
    const report = await evaluateModel(
      new EaseRecommender({ ...options, lambdaScale: scale }),
      fitPart,
      queries,
    );
    if (report.overall.ndcg > best.ndcg) best = { scale, ndcg: report.overall.ndcg };
  }
  return best.scale;
}
