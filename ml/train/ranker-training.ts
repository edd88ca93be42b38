/** Fitting the LambdaMART ranker: gradients, histograms, trees, bagging. */
import { createRng, shuffleInPlace } from "../data/random";
import { K, Ranker, type RankerOptions, type RankingData } from "./ranker";

/** Mean NDCG@10 of scores over the given queries. */
export function rankingNdcg(data: RankingData, scores: Float64Array, queries: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i]!;
    const from = data.groups[q]!;
    const order = rankRows(scores, from, data.groups[q + 1]!);
    let dcg = 0;
    for (let r = 0; r < Math.min(K, order.length); r++) {
      if (data.labels[order[r]!]) dcg += 1 / Math.log2(r + 2);
    }
    total += dcg / idealDcg(data.targets[q]!);
  }
  return total / Math.max(1, queries.length);
}

function idealDcg(targets: number): number {
  let ideal = 0;
  for (let r = 0; r < Math.min(K, targets); r++) ideal += 1 / Math.log2(r + 2);
  return ideal || 1;
}

/**
 * Row indices from..to sorted by score, best first (ties to the lower row). Insertion sort: groups
 * are a few dozen rows, and it runs for every query of every tree, where a comparator call per
 * comparison took a tenth of the ranker's training time.
 */
function rankRows(scores: Float64Array, from: number, to: number): Int32Array {
  const rows = new Int32Array(to - from);
  for (let i = 0; i < rows.length; i++) {
    const row = from + i;
    const score = scores[row]!;
    let at = i;
    // Rows arrive in increasing order, so an equal score already in place stays ahead.
    while (at > 0 && scores[rows[at - 1]!]! < score) {
      rows[at] = rows[at - 1]!;
      at--;
    }
    rows[at] = row;
  }
  return rows;
}

/** NDCG@10's discount at a 0-based position: zero beyond the cut, where swaps change nothing. */
function discount(position: number): number {
  return position < K ? 1 / Math.log2(position + 2) : 0;
}

interface Binning {
  edges: Float32Array[];
  /** each row's bin per feature, row-major like the features */
  binned: Uint8Array;
}

/** Each data set's binning per bin count: the bags of one ranker train on the same rows. */
const binnings = new WeakMap<RankingData, Map<number, Binning>>();

function binningOf(data: RankingData, bins: number): Binning {
  let byCount = binnings.get(data);
  if (!byCount) {
    byCount = new Map();
    binnings.set(data, byCount);
  }
  let binning = byCount.get(bins);
  if (!binning) {
    const rows = data.labels.length;
    const f = data.featureCount;
    const edges = binEdges(data, bins);
    const binned = new Uint8Array(rows * f);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f; j++) binned[r * f + j] = binOf(edges[j]!, data.features[r * f + j]!);
    }
    binning = { edges, binned };
    byCount.set(bins, binning);
  }
  return binning;
}

/** Quantile bin edges per feature; a value's bin is the number of edges at or below it. */
function binEdges(data: RankingData, bins: number): Float32Array[] {
  const rows = data.labels.length;
  const f = data.featureCount;
  const step = Math.max(1, Math.floor(rows / 20_000));
  const edges: Float32Array[] = [];
  for (let j = 0; j < f; j++) {
    const sample: number[] = [];
    for (let r = 0; r < rows; r += step) sample.push(data.features[r * f + j]!);
    sample.sort((a, b) => a - b);
    const cuts = new Set<number>();
    for (let b = 1; b < bins; b++) {
      const v = sample[Math.floor((b * sample.length) / bins)];
      if (v !== undefined && v > sample[0]!) cuts.add(v);
    }
    edges.push(Float32Array.from([...cuts].sort((a, b) => a - b)));
  }
  return edges;
}

function binOf(edges: Float32Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** LambdaMART gradients and hessians of NDCG for every row at the current scores. */
function lambdas(
  data: RankingData,
  scores: Float64Array,
  queries: ArrayLike<number>,
  grad: Float64Array,
  hess: Float64Array,
) {
  grad.fill(0);
  hess.fill(0);
  const position = new Int32Array(data.labels.length);
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i]!;
    const from = data.groups[q]!;
    const to = data.groups[q + 1]!;
    const order = rankRows(scores, from, to);
    const ideal = idealDcg(data.targets[q]!);
    for (let r = 0; r < order.length; r++) position[order[r]!] = r;
    for (let a = from; a < to; a++) {
      if (!data.labels[a]) continue;
      const discA = discount(position[a]!);
      // Below the cut, only swaps with items inside it change NDCG@10.
      const limit = discA === 0 ? Math.min(K, order.length) : order.length;
      for (let p = 0; p < limit; p++) {
        const b = order[p]!;
        if (data.labels[b]) continue;
        const delta = Math.abs(discA - discount(p)) / ideal;
        if (delta === 0) continue;
        const rho = 1 / (1 + Math.exp(scores[a]! - scores[b]!));
        grad[a]! -= delta * rho;
        grad[b]! += delta * rho;
        const h = delta * rho * (1 - rho);
        hess[a]! += h;
        hess[b]! += h;
      }
    }
  }
}

interface Tree {
  feature: number[];
  /** the split's bin, for walking binned rows while training */
  bin: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/**
 * Several ensembles, each with its own holdout and samples, as one: their trees summed. Every query
 * then trains most of the ensembles, and averaging damps each one's noise from early stopping.
 */
export function trainBaggedRanker(data: RankingData, bags: number, options: RankerOptions = {}): Ranker {
  const seed = options.seed ?? 7;
  const parts = Array.from({ length: Math.max(1, bags) }, (_, b) =>
    trainRanker(data, { ...options, seed: seed + 1000 * b }),
  );
  if (parts.length === 1) return parts[0]!;
  const nodes = parts.reduce((sum, p) => sum + p.feature.length, 0);
  const trees = parts.reduce((sum, p) => sum + p.trees, 0);
  const feature = new Int32Array(nodes);
  const threshold = new Float32Array(nodes);
  const left = new Int32Array(nodes);
  const right = new Int32Array(nodes);
  const value = new Float32Array(nodes);
  const roots = new Int32Array(trees);
  let node = 0;
  let tree = 0;
  for (const p of parts) {
    feature.set(p.feature, node);
    threshold.set(p.threshold, node);
    value.set(p.value, node);
    for (let i = 0; i < p.feature.length; i++) {
      left[node + i] = p.left[i]! < 0 ? -1 : p.left[i]! + node;
      right[node + i] = p.right[i]! < 0 ? -1 : p.right[i]! + node;
    }
    for (let t = 0; t < p.trees; t++) roots[tree++] = p.roots[t]! + node;
    node += p.feature.length;
  }
  return new Ranker(feature, threshold, left, right, value, roots);
}

/** Fits a LambdaMART ensemble; the number of trees is chosen on held-out queries. */
export function trainRanker(data: RankingData, options: RankerOptions = {}): Ranker {
  const trees = options.trees ?? 150;
  const depth = options.depth ?? 4;
  const shrinkage = options.shrinkage ?? 0.15;
  const minLeaf = options.minLeaf ?? 50;
  const lambda = options.lambda ?? 1;
  const patience = options.patience ?? 15;
  const queryCount = data.groups.length - 1;
  const sourceOf = (q: number) => data.sources?.[q] ?? q;
  let sourceCount = 0;
  for (let q = 0; q < queryCount; q++) sourceCount = Math.max(sourceCount, sourceOf(q) + 1);
  const shuffled = shuffleInPlace(
    createRng(options.seed ?? 7),
    Array.from({ length: sourceCount }, (_, s) => s),
  );
  const held = new Uint8Array(sourceCount);
  const holdoutSources = Math.floor(sourceCount * (options.holdout ?? 0.2));
  for (let i = 0; i < holdoutSources; i++) held[shuffled[i]!] = 1;
  const holdout: number[] = [];
  const fitting: number[] = [];
  for (let q = 0; q < queryCount; q++) (held[sourceOf(q)] ? holdout : fitting).push(q);
  const rows = data.labels.length;
  const f = data.featureCount;
  const { edges, binned } = binningOf(data, options.bins ?? 32);
  const stride = edges.reduce((most, e) => Math.max(most, e.length + 1), 1);
  const rng = createRng((options.seed ?? 7) + 1);
  const perTree = Math.max(1, Math.round(fitting.length * (options.sample ?? 0.5)));
  const scores = new Float64Array(rows);
  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const tree: Tree = { feature: [], bin: [], threshold: [], left: [], right: [], value: [] };
  const roots: number[] = [];
  /** the rows the current tree was grown on: growTree scores them at their leaves */
  const grownOn = new Uint8Array(rows);
  let bestNdcg = holdout.length ? rankingNdcg(data, scores, holdout) : 0;
  let bestTrees = 0;
  for (let t = 0; t < trees; t++) {
    // Each tree sees a random half of the queries: half the work, and less overfitting.
    const sampled = shuffleInPlace(rng, [...fitting]).slice(0, perTree);
    lambdas(data, scores, sampled, grad, hess);
    const treeRows: number[] = [];
    for (const q of sampled) for (let r = data.groups[q]!; r < data.groups[q + 1]!; r++) treeRows.push(r);
    grownOn.fill(0);
    const root = growTree(tree, Int32Array.from(treeRows), 0);
    roots.push(root);
    for (let r = 0; r < rows; r++) if (!grownOn[r]) scores[r]! += leafValue(tree, root, binned, r, f);
    if (!holdout.length) {
      bestTrees = roots.length;
      continue;
    }
    const ndcg = rankingNdcg(data, scores, holdout);
    if (ndcg > bestNdcg + 1e-6) [bestNdcg, bestTrees] = [ndcg, roots.length];
    else if (roots.length - bestTrees >= patience) break;
  }
  return new Ranker(
    Int32Array.from(tree.feature),
    Float32Array.from(tree.threshold),
    Int32Array.from(tree.left),
    Int32Array.from(tree.right),
    Float32Array.from(tree.value),
    Int32Array.from(roots.slice(0, bestTrees)),
  );

  function growTree(out: Tree, nodeRows: Int32Array, level: number, known?: Histogram): number {
    const node = out.feature.length;
    out.feature.push(-1);
    out.bin.push(0);
    out.threshold.push(0);
    out.left.push(-1);
    out.right.push(-1);
    let g = 0;
    let h = 0;
    for (let i = 0; i < nodeRows.length; i++) {
      g += grad[nodeRows[i]!]!;
      h += hess[nodeRows[i]!]!;
    }
    const value = (-g / (h + lambda)) * shrinkage;
    out.value.push(value);
    // A leaf scores its rows here, where they are at hand; other rows walk the tree afterwards.
    const leaf = () => {
      for (let i = 0; i < nodeRows.length; i++) {
        scores[nodeRows[i]!]! += value;
        grownOn[nodeRows[i]!] = 1;
      }
      return node;
    };
    if (level >= depth || nodeRows.length < 2 * minLeaf) return leaf();
    const hist = known ?? histogram(nodeRows);
    const split = bestSplit(hist, nodeRows.length, g, h);
    if (!split) return leaf();
    let leftCount = 0;
    for (let i = 0; i < nodeRows.length; i++) {
      if (binned[nodeRows[i]! * f + split.feature]! <= split.bin) leftCount++;
    }
    const leftRows = new Int32Array(leftCount);
    const rightRows = new Int32Array(nodeRows.length - leftCount);
    let l = 0;
    let r = 0;
    for (let i = 0; i < nodeRows.length; i++) {
      const row = nodeRows[i]!;
      if (binned[row * f + split.feature]! <= split.bin) leftRows[l++] = row;
      else rightRows[r++] = row;
    }
    out.feature[node] = split.feature;
    out.bin[node] = split.bin;
    out.threshold[node] = edges[split.feature]![split.bin]!;
    // Only the smaller child's histogram is counted; the larger one's is the parent's minus it.
    let leftHist: Histogram | undefined;
    let rightHist: Histogram | undefined;
    if (level + 1 < depth) {
      const smallerLeft = leftRows.length <= rightRows.length;
      const small = histogram(smallerLeft ? leftRows : rightRows);
      const large = subtract(hist, small);
      [leftHist, rightHist] = smallerLeft ? [small, large] : [large, small];
    }
    out.left[node] = growTree(out, leftRows, level + 1, leftHist);
    out.right[node] = growTree(out, rightRows, level + 1, rightHist);
    return node;
  }

  /**
   * All features' gradient, hessian and row-count histograms in one pass over the rows, a bin's
   * three sums side by side so that each update touches one cache line.
   */
  function histogram(nodeRows: Int32Array): Histogram {
    const hist = new Float64Array(3 * f * stride);
    for (let i = 0; i < nodeRows.length; i++) {
      const r = nodeRows[i]!;
      const gr = grad[r]!;
      const hr = hess[r]!;
      const base = r * f;
      for (let j = 0; j < f; j++) {
        const at = 3 * (j * stride + binned[base + j]!);
        hist[at] = hist[at]! + gr;
        hist[at + 1] = hist[at + 1]! + hr;
        hist[at + 2] = hist[at + 2]! + 1;
      }
    }
    return hist;
  }

  function subtract(parent: Histogram, child: Histogram): Histogram {
    const out: Histogram = new Float64Array(parent.length);
    for (let i = 0; i < out.length; i++) out[i] = parent[i]! - child[i]!;
    return out;
  }

  function bestSplit(hist: Histogram, count: number, g: number, h: number) {
    let best: { feature: number; bin: number; gain: number } | null = null;
    const parent = (g * g) / (h + lambda);
    for (let j = 0; j < f; j++) {
      const bins = edges[j]!.length + 1;
      if (bins < 2) continue;
      const offset = j * stride;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      // Splitting after bin b sends bins 0..b left; the last bin cannot be a split point.
      for (let b = 0; b < bins - 1; b++) {
        const at = 3 * (offset + b);
        gl += hist[at]!;
        hl += hist[at + 1]!;
        cl += hist[at + 2]!;
        const cr = count - cl;
        if (cl < minLeaf || cr < minLeaf) continue;
        const gr = g - gl;
        const hr = h - hl;
        const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
        if (gain > 1e-9 && (!best || gain > best.gain)) best = { feature: j, bin: b, gain };
      }
    }
    return best;
  }
}

/** Per feature and bin: the gradient sum, the hessian sum and the row count, interleaved. */
type Histogram = Float64Array;

/** The leaf a binned row reaches: the same path as Ranker.predict takes on the raw values. */
function leafValue(tree: Tree, root: number, binned: Uint8Array, row: number, f: number): number {
  let node = root;
  while (tree.feature[node]! >= 0) {
    const j = tree.feature[node]!;
    node = binned[row * f + j]! <= tree.bin[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}
