import type * as Tf from "@tensorflow/tfjs";
import { type Dataset, numOrders, numProducts, orderProducts } from "../data/dataset";
import { HISTORY_HALF_LIFE_DAYS, type History } from "../data/history";
import { createRng, type Rng, shuffleInPlace } from "../data/random";
import { float32s, type ModelArrays, type Query, type Recommender } from "./recommender";
import { loadTf, type TfModule } from "./tf";

export interface FactorizationOptions {
  /** embedding size */
  dimensions?: number;
  epochs?: number;
  /** orders per training step */
  batchSize?: number;
  learningRate?: number;
  /** L2 weight on the context and the output embeddings */
  l2?: number;
  /** most products of a shopper's earlier orders that stand for their history */
  maxHistory?: number;
  /** share of training orders seen without their history, as a newcomer's checkout is */
  historyDropout?: number;
  seed?: number;
  onEpoch?: (progress: { epoch: number; epochs: number; loss: number }) => void;
}

/** the embedding size by default: 48 and 64 scored within 0.003 NDCG@10 of it alone, for more time */
export const DEFAULT_DIMENSIONS = 32;
/**
 * Passes over the orders. On online-retail's validation split 4 scored NDCG@10 0.188 alone, 8 0.207
 * and 24 (64 dimensions) 0.225, but the hybrid scored the same with any of them: 4 keep its fit
 * within a minute.
 */
const EPOCHS = 4;
const UPDATE_EPOCHS = 1;
/** the most orders an epoch visits, drawn afresh each epoch: a large shop's training stays bounded */
const MAX_ORDERS_PER_EPOCH = 12_000;
/** the most cart products of a training example, as checkout queries have */
const MAX_CART = 3;
const DAY_MS = 86_400_000;

/**
 * Earlier purchases of the shopper of each order, as CSR: the products of order o's shopper bought
 * before o are `items[start[o] .. start[o + 1])`, with recency-decayed counts as History weighs them
 * (at most `limit`, the heaviest).
 */
interface PriorHistories {
  start: Int32Array;
  items: Int32Array;
  weights: Float32Array;
}

/**
 * A checkout model trained with TF.js the way checkout asks: from a cart and the shopper's earlier
 * purchases, the rest of the order. The context is the mean of the cart products' context vectors
 * plus the history-weighted mean of the history products' taste vectors; every product scores by
 * its dot product with the context plus a bias, and training maximizes the multinomial likelihood
 * of the order's other products under a softmax over the whole catalog (Liang et al. 2018 train
 * their autoencoders on the same likelihood). Each epoch draws a new cart from every order, and a
 * share of orders is seen without its history so the cart alone carries a newcomer's checkout.
 * Training uses TF.js; scoring is typed-array arithmetic on the extracted vectors.
 */
export class FactorizationRecommender implements Recommender {
  readonly name = "factorization";
  dimensions: number;
  productVectors = new Float32Array(0);
  contextVectors = new Float32Array(0);
  tasteVectors = new Float32Array(0);
  productBias = new Float32Array(0);
  backend = "";
  private readonly context: Float32Array;

  constructor(private readonly options: FactorizationOptions = {}) {
    this.dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
    this.context = new Float32Array(this.dimensions);
  }

  async fit(train: Dataset): Promise<void> {
    await this.train(train, this.options.epochs ?? EPOCHS, false);
  }

  /**
   * Continues from the current vectors for `epochs` passes over `train` (same catalog), else fits
   * afresh: how a model fitted on older orders catches up with new ones at a fraction of a fit.
   */
  async update(train: Dataset, epochs = UPDATE_EPOCHS): Promise<void> {
    const fitted = this.productBias.length === numProducts(train) && this.productBias.length > 0;
    await this.train(train, fitted ? epochs : (this.options.epochs ?? EPOCHS), fitted);
  }

  private async train(train: Dataset, epochs: number, warm: boolean): Promise<void> {
    const { tf, backend } = await loadTf();
    this.backend = backend;
    const d = this.dimensions;
    const products = numProducts(train);
    const seed = this.options.seed ?? 7;
    const rng = createRng(seed);
    const maxHistory = this.options.maxHistory ?? 24;
    const histories = priorHistories(train, maxHistory);
    const orders: number[] = [];
    for (let o = 0; o < numOrders(train); o++) if (orderProducts(train, o).length >= 2) orders.push(o);
    if (orders.length === 0 || products === 0) return;
    const init = (rows: number, offset: number, current: Float32Array, scale: number) =>
      tf.tidy(() =>
        tf.variable(
          warm
            ? tf.tensor2d(current, [rows, d])
            : tf.randomNormal([rows, d], 0, scale, "float32", seed + offset),
        ),
      );
    // One padding row each for "no cart product" and "no history product": weight 0 keeps them out.
    const productVars = init(products, 1, this.productVectors, 0.05);
    const contextVars = init(products + 1, 2, this.contextVectors, 0.05);
    const tasteVars = init(products + 1, 3, this.tasteVectors, 0.05);
    const biasVars = tf.tidy(() => tf.variable(warm ? tf.tensor1d(this.productBias) : tf.zeros([products])));
    const optimizer = tf.train.adam(this.options.learningRate ?? 0.05);
    const batchSize = this.options.batchSize ?? 512;
    const l2 = this.options.l2 ?? 1e-5;
    const dropout = this.options.historyDropout ?? 0.3;
    const variables = { productVars, contextVars, tasteVars, biasVars, l2 };
    try {
      for (let epoch = 1; epoch <= epochs; epoch++) {
        shuffleInPlace(rng, orders);
        const visited = Math.min(orders.length, MAX_ORDERS_PER_EPOCH);
        let lossSum = 0;
        let steps = 0;
        for (let from = 0; from < visited; from += batchSize) {
          const batch = buildBatch(
            train,
            histories,
            orders.slice(from, Math.min(visited, from + batchSize)),
            {
              maxHistory,
              dropout,
              rng,
            },
          );
          lossSum += trainStep(tf, optimizer, batch, variables);
          steps += 1;
        }
        this.options.onEpoch?.({ epoch, epochs, loss: lossSum / Math.max(1, steps) });
      }
      this.productVectors = Float32Array.from(productVars.dataSync());
      this.contextVectors = Float32Array.from(contextVars.dataSync());
      this.tasteVectors = Float32Array.from(tasteVars.dataSync());
      this.productBias = Float32Array.from(biasVars.dataSync());
    } finally {
      for (const variable of [productVars, contextVars, tasteVars, biasVars]) variable.dispose();
      optimizer.dispose();
    }
  }

  state(): ModelArrays {
    return {
      productVectors: this.productVectors,
      contextVectors: this.contextVectors,
      tasteVectors: this.tasteVectors,
      productBias: this.productBias,
    };
  }

  restore(state: ModelArrays): void {
    this.productVectors = float32s(state.productVectors);
    this.contextVectors = float32s(state.contextVectors);
    this.tasteVectors = float32s(state.tasteVectors);
    this.productBias = float32s(state.productBias);
  }

  /** The shopper's part of the context: their products' taste vectors, weighted as their history. */
  embedShopper(history: History, out: Float32Array): void {
    const d = this.dimensions;
    out.fill(0);
    const known = this.productBias.length;
    let total = 0;
    for (let h = 0; h < history.items.length; h++) {
      if (history.items[h]! < known) total += history.weights[h]!;
    }
    if (!(total > 0)) return;
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h]!;
      if (item >= known) continue;
      const w = history.weights[h]! / total;
      for (let k = 0; k < d; k++) out[k]! += w * this.tasteVectors[item * d + k]!;
    }
  }

  score(query: Query, out: Float32Array): void {
    const d = this.dimensions;
    const context = this.context;
    this.embedShopper(query.history, context);
    const known = this.productBias.length;
    let inCart = 0;
    for (const item of query.cart) if (item >= 0 && item < known) inCart++;
    for (const item of query.cart) {
      if (item < 0 || item >= known) continue;
      for (let k = 0; k < d; k++) context[k]! += this.contextVectors[item * d + k]! / inCart;
    }
    const vectors = this.productVectors;
    const tail = d - (d % 4);
    for (let i = 0; i < known; i++) {
      const row = i * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < tail; k += 4) {
        s0 += context[k]! * vectors[row + k]!;
        s1 += context[k + 1]! * vectors[row + k + 1]!;
        s2 += context[k + 2]! * vectors[row + k + 2]!;
        s3 += context[k + 3]! * vectors[row + k + 3]!;
      }
      for (let k = tail; k < d; k++) s0 += context[k]! * vectors[row + k]!;
      out[i] = this.productBias[i]! + (s0 + s1 + (s2 + s3));
    }
    // Probabilities, not logits: a share of the shopper's next purchases compares across checkouts.
    let most = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < known; i++) most = Math.max(most, out[i]!);
    let total = 0;
    for (let i = 0; i < known; i++) {
      const p = Math.exp(out[i]! - most);
      out[i] = p;
      total += p;
    }
    for (let i = 0; i < known; i++) out[i]! /= total;
  }
}

/** Per order, its shopper's purchases before it, decayed to its time, the `limit` heaviest. */
function priorHistories(train: Dataset, limit: number): PriorHistories {
  const n = numOrders(train);
  const byCustomer = new Map<number, number[]>();
  for (let o = 0; o < n; o++) {
    const c = train.orderCustomer[o]!;
    if (c < 0) continue;
    const list = byCustomer.get(c);
    if (list) list.push(o);
    else byCustomer.set(c, [o]);
  }
  const lists: Array<{ items: number[]; weights: number[] } | undefined> = new Array(n);
  const halfLife = train.dated ? HISTORY_HALF_LIFE_DAYS * DAY_MS : Number.POSITIVE_INFINITY;
  for (const list of byCustomer.values()) {
    list.sort((a, b) => train.orderTime[a]! - train.orderTime[b]! || a - b);
    // product -> [weight, as of time]
    const bought = new Map<number, [number, number]>();
    let i = 0;
    while (i < list.length) {
      const at = train.orderTime[list[i]!]!;
      let j = i;
      while (j < list.length && train.orderTime[list[j]!]! === at) j++;
      if (bought.size > 0) {
        const entries: Array<[number, number]> = [];
        for (const [product, [weight, then]] of bought) {
          entries.push([product, weight * 2 ** (-(at - then) / halfLife)]);
        }
        entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        const kept = entries.slice(0, limit);
        const history = { items: kept.map((e) => e[0]), weights: kept.map((e) => e[1]) };
        for (let k = i; k < j; k++) lists[list[k]!] = history;
      }
      for (let k = i; k < j; k++) {
        for (const product of orderProducts(train, list[k]!)) {
          const entry = bought.get(product);
          if (entry) {
            entry[0] = entry[0] * 2 ** (-(at - entry[1]) / halfLife) + 1;
            entry[1] = at;
          } else bought.set(product, [1, at]);
        }
      }
      i = j;
    }
  }
  const start = new Int32Array(n + 1);
  for (let o = 0; o < n; o++) start[o + 1] = start[o]! + (lists[o]?.items.length ?? 0);
  const items = new Int32Array(start[n]!);
  const weights = new Float32Array(start[n]!);
  for (let o = 0; o < n; o++) {
    const history = lists[o];
    if (!history) continue;
    items.set(history.items, start[o]!);
    weights.set(history.weights, start[o]!);
  }
  return { start, items, weights };
}

interface Batch {
  size: number;
  cart: Int32Array;
  cartWeights: Float32Array;
  history: Int32Array;
  historyWeights: Float32Array;
  /** size x products: each order's products outside the cart, summing to 1 */
  targets: Float32Array;
}

function buildBatch(
  train: Dataset,
  histories: PriorHistories,
  orders: number[],
  { maxHistory, dropout, rng }: { maxHistory: number; dropout: number; rng: Rng },
): Batch {
  const products = numProducts(train);
  const size = orders.length;
  const batch: Batch = {
    size,
    cart: new Int32Array(size * MAX_CART).fill(products),
    cartWeights: new Float32Array(size * MAX_CART),
    history: new Int32Array(size * maxHistory).fill(products),
    historyWeights: new Float32Array(size * maxHistory),
    targets: new Float32Array(size * products),
  };
  orders.forEach((order, b) => {
    const items = Array.from(orderProducts(train, order));
    shuffleInPlace(rng, items);
    // Carts as checkout draws them: one product from small orders, up to three from larger ones.
    const most = items.length <= 3 ? 1 : Math.min(MAX_CART, Math.floor(items.length / 3));
    const cartSize = 1 + Math.floor(rng() * most);
    for (let c = 0; c < cartSize; c++) {
      batch.cart[b * MAX_CART + c] = items[c]!;
      batch.cartWeights[b * MAX_CART + c] = 1 / cartSize;
    }
    const keepHistory = rng() >= dropout;
    const from = histories.start[order]!;
    const count = keepHistory ? histories.start[order + 1]! - from : 0;
    const rest = items.length - cartSize;
    for (let t = cartSize; t < items.length; t++) batch.targets[b * products + items[t]!] = 1 / rest;
    if (!keepHistory) return;
    let total = 0;
    for (let h = 0; h < count; h++) total += histories.weights[from + h]!;
    if (!(total > 0)) return;
    for (let h = 0; h < count; h++) {
      batch.history[b * maxHistory + h] = histories.items[from + h]!;
      batch.historyWeights[b * maxHistory + h] = histories.weights[from + h]! / total;
    }
  });
  return batch;
}

interface Variables {
  productVars: ReturnType<TfModule["variable"]>;
  contextVars: ReturnType<TfModule["variable"]>;
  tasteVars: ReturnType<TfModule["variable"]>;
  biasVars: ReturnType<TfModule["variable"]>;
  l2: number;
}

function trainStep(
  tf: TfModule,
  optimizer: ReturnType<TfModule["train"]["adam"]>,
  batch: Batch,
  { productVars, contextVars, tasteVars, biasVars, l2 }: Variables,
): number {
  const { size } = batch;
  const maxHistory = batch.history.length / size;
  return tf.tidy(() => {
    const cart = tf.tensor2d(batch.cart, [size, MAX_CART], "int32");
    const cartWeights = tf.tensor3d(batch.cartWeights, [size, MAX_CART, 1]);
    const history = tf.tensor2d(batch.history, [size, maxHistory], "int32");
    const historyWeights = tf.tensor3d(batch.historyWeights, [size, maxHistory, 1]);
    const targets = tf.tensor2d(batch.targets, [size, batch.targets.length / size]);
    const cost = optimizer.minimize(
      () => {
        const context = tf
          .sum(tf.mul(tf.gather(contextVars, cart), cartWeights), 1)
          .add(tf.sum(tf.mul(tf.gather(tasteVars, history), historyWeights), 1));
        const norms = tf.mean(tf.sum(tf.square(context), 1)).add(tf.mean(tf.sum(tf.square(productVars), 1)));
        return catalogLoss(
          tf,
          context as Tf.Tensor2D,
          productVars as Tf.Tensor2D,
          biasVars as Tf.Tensor1D,
          targets,
        ).add(norms.mul(l2)) as Tf.Scalar;
      },
      true,
      [productVars, contextVars, tasteVars, biasVars],
    );
    return cost ? cost.dataSync()[0]! : 0;
  });
}

/**
 * The catalog softmax's loss for a batch of contexts: the mean over rows of
 * -sum(targets * log softmax(context x vectors^T + bias)), targets summing to 1 a row. Its gradient is
 * written out (softmax - targets, then two products) rather than left to TF.js: the generic one goes
 * through logSoftmax and multiplies transposed operands, which the WebAssembly kernels run about four
 * times slower than the same products laid out as here.
 */
function catalogLoss(
  tf: TfModule,
  context: Tf.Tensor2D,
  vectors: Tf.Tensor2D,
  bias: Tf.Tensor1D,
  targets: Tf.Tensor2D,
): Tf.Scalar {
  const op = tf.customGrad((...args: Array<Tf.Tensor | Tf.GradSaveFunc>) => {
    const [x, w, b, y, save] = args as [Tf.Tensor2D, Tf.Tensor2D, Tf.Tensor1D, Tf.Tensor2D, Tf.GradSaveFunc];
    const logits = tf.add(tf.matMul(x, tf.transpose(w)), b) as Tf.Tensor2D;
    const normalizer = tf.logSumExp(logits, 1, true);
    save([x, w, logits, normalizer]);
    const value = tf.mean(tf.sum(tf.mul(y, tf.sub(normalizer, logits)), 1)) as Tf.Scalar;
    const gradFunc = (dy: Tf.Tensor, saved: Tf.Tensor[]) => {
      const [xs, ws, z, lse] = saved as [Tf.Tensor2D, Tf.Tensor2D, Tf.Tensor2D, Tf.Tensor2D];
      const g = tf.mul(tf.sub(tf.exp(tf.sub(z, lse)), y), tf.div(dy, z.shape[0])) as Tf.Tensor2D;
      return [tf.matMul(g, ws), tf.transpose(tf.matMul(tf.transpose(xs), g)), tf.sum(g, 0), tf.zerosLike(y)];
    };
    return { value, gradFunc };
  });
  return op(context, vectors, bias, targets);
}
