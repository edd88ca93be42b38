import { type Dataset, numOrders, numProducts, orderProducts } from "../data/dataset";
import type { History } from "../data/history";
import { createRng, type Rng } from "../data/random";
import { float32s, type ModelArrays, type Query, type Recommender } from "./recommender";
import { loadTf, type TfModule } from "./tf";

export interface FactorizationOptions {
  /** embedding size */
  dimensions?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 weight on the embeddings of each example */
  l2?: number;
  /** most cart items drawn from an order to stand for the cart of a training example */
  maxCart?: number;
  /** most products drawn from the customer's other orders to stand for their history */
  maxHistory?: number;
  seed?: number;
  onEpoch?: (progress: { epoch: number; epochs: number; loss: number }) => void;
}

interface Batch {
  cart: Int32Array;
  cartMask: Float32Array;
  cartCount: Float32Array;
  taste: Int32Array;
  tasteMask: Float32Array;
  tasteCount: Float32Array;
  positive: Int32Array;
  negative: Int32Array;
  size: number;
}

/**
 * Collaborative filtering trained with TF.js on implicit feedback. A shopper's embedding is the
 * weighted mean of the taste embeddings of what they bought (so it exists for anyone with a history,
 * including purchases made after training, and nothing per customer is stored); a checkout's context
 * is that plus the mean of the cart products' context embeddings, and a product scores by its dot
 * product with the context plus a bias. Trained with BPR: each order line is a positive for the
 * context made of a few other products of the same order and a few products of the customer's other
 * orders, against a random product. Training uses TF.js; scoring is plain typed-array arithmetic on
 * the extracted embeddings, so serving never touches TF.js.
 */
export class FactorizationRecommender implements Recommender {
  readonly name = "factorization";
  dimensions: number;
  /** product output embeddings, row-major products x dimensions */
  productVectors = new Float32Array(0);
  /** product context (cart) embeddings */
  contextVectors = new Float32Array(0);
  /** product taste (history) embeddings */
  tasteVectors = new Float32Array(0);
  productBias = new Float32Array(0);
  backend = "";
  private readonly context: Float32Array;

  constructor(private readonly options: FactorizationOptions = {}) {
    this.dimensions = options.dimensions ?? 32;
    this.context = new Float32Array(this.dimensions);
  }

  async fit(train: Dataset): Promise<void> {
    await this.train(train, this.options.epochs ?? 2, false);
  }

  /**
   * Continues training from the current embeddings for `epochs` passes over `train` (same catalog):
   * how a model fitted on older orders catches up with new ones at a fraction of a full fit.
   */
  async update(train: Dataset, epochs = 1): Promise<void> {
    const fitted = this.productBias.length === numProducts(train) && this.productBias.length > 0;
    await this.train(train, fitted ? epochs : (this.options.epochs ?? 2), fitted);
  }

  private async train(train: Dataset, epochs: number, warm: boolean): Promise<void> {
    const { tf, backend } = await loadTf();
    this.backend = backend;
    const d = this.dimensions;
    const products = numProducts(train);
    const seed = this.options.seed ?? 7;
    const rng = createRng(seed);
    // Inside tidy the initial values are freed; tidy never disposes the variables themselves.
    const init = (rows: number, offset: number, current: Float32Array) =>
      tf.tidy(() =>
        tf.variable(
          warm
            ? tf.tensor2d(current, [rows, d])
            : tf.randomNormal([rows, d], 0, 0.1, "float32", seed + offset),
        ),
      );
    // One padding row each for "no cart product" and "no history product"; masks keep them out.
    const productVars = init(products, 1, this.productVectors);
    const contextVars = init(products + 1, 2, this.contextVectors);
    const tasteVars = init(products + 1, 3, this.tasteVectors);
    const biasVars = tf.tidy(() => tf.variable(warm ? tf.tensor1d(this.productBias) : tf.zeros([products])));
    const optimizer = tf.train.adam(this.options.learningRate ?? 0.02);
    const batchSize = this.options.batchSize ?? 4096;
    const l2 = this.options.l2 ?? 1e-4;
    const maxCart = this.options.maxCart ?? 3;
    const maxHistory = this.options.maxHistory ?? 8;
    try {
      const lines = trainingLines(train);
      const ordersOf = customerOrders(train);
      for (let epoch = 1; epoch <= epochs; epoch++) {
        shuffle(rng, lines);
        let lossSum = 0;
        let steps = 0;
        for (let start = 0; start < lines.length / 2; start += batchSize) {
          const batch = buildBatch(train, ordersOf, lines, start, { batchSize, maxCart, maxHistory }, rng);
          const loss = trainStep(tf, optimizer, batch, {
            productVars,
            contextVars,
            tasteVars,
            biasVars,
            l2,
          });
          lossSum += loss;
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

  /** The shopper's embedding: the weighted mean of their products' taste vectors (zero without history). */
  embedShopper(history: History, out: Float32Array): void {
    const d = this.dimensions;
    out.fill(0);
    let total = 0;
    for (let h = 0; h < history.items.length; h++) {
      if (history.items[h]! < this.productBias.length) total += history.weights[h]!;
    }
    if (!(total > 0)) return;
    for (let h = 0; h < history.items.length; h++) {
      const item = history.items[h]!;
      if (item >= this.productBias.length) continue;
      const w = history.weights[h]! / total;
      for (let k = 0; k < d; k++) out[k]! += w * this.tasteVectors[item * d + k]!;
    }
  }

  score(query: Query, out: Float32Array): void {
    const d = this.dimensions;
    const context = this.context;
    this.embedShopper(query.history, context);
    const cart = query.cart.filter((item) => item >= 0 && item < this.productBias.length);
    for (const item of cart) {
      for (let k = 0; k < d; k++) context[k]! += this.contextVectors[item * d + k]! / cart.length;
    }
    const vectors = this.productVectors;
    // Four running sums: the whole catalog is scored for every checkout, and independent sums let
    // the CPU overlap the multiplications.
    const tail = d - (d % 4);
    for (let i = 0; i < this.productBias.length; i++) {
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
  }
}

/** Every order line as a flat [order, product, order, product, …] list. */
function trainingLines(train: Dataset): Int32Array {
  let count = 0;
  for (let o = 0; o < numOrders(train); o++) count += orderProducts(train, o).length;
  const lines = new Int32Array(count * 2);
  let at = 0;
  for (let o = 0; o < numOrders(train); o++) {
    for (const item of orderProducts(train, o)) {
      lines[at++] = o;
      lines[at++] = item;
    }
  }
  return lines;
}

function shuffle(rng: Rng, pairs: Int32Array) {
  for (let i = pairs.length / 2 - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const [a, b] = [pairs[2 * i]!, pairs[2 * i + 1]!];
    pairs[2 * i] = pairs[2 * j]!;
    pairs[2 * i + 1] = pairs[2 * j + 1]!;
    pairs[2 * j] = a;
    pairs[2 * j + 1] = b;
  }
}

/** Each customer's orders as CSR: orders of customer c are `orders[start[c] .. start[c + 1])`. */
function customerOrders(train: Dataset): { start: Int32Array; orders: Int32Array } {
  const customers = train.catalog.customerIds.length;
  const start = new Int32Array(customers + 1);
  for (const c of train.orderCustomer) if (c >= 0) start[c + 1]! += 1;
  for (let c = 0; c < customers; c++) start[c + 1]! += start[c]!;
  const cursor = start.slice(0, customers);
  const orders = new Int32Array(start[customers]!);
  for (let o = 0; o < numOrders(train); o++) {
    const c = train.orderCustomer[o]!;
    if (c >= 0) orders[cursor[c]!++] = o;
  }
  return { start, orders };
}

interface BatchShape {
  batchSize: number;
  maxCart: number;
  maxHistory: number;
}

/** Draws up to `limit` distinct products other than `item` with `draw` into `slots`; returns the count. */
function drawDistinct(
  slots: Int32Array,
  offset: number,
  limit: number,
  item: number,
  draw: () => number,
): number {
  let drawn = 0;
  for (let attempt = 0; drawn < limit && attempt < 8 * limit; attempt++) {
    const other = draw();
    if (other === item || other < 0) continue;
    let seen = false;
    for (let c = 0; c < drawn; c++) seen ||= slots[offset + c] === other;
    if (seen) continue;
    slots[offset + drawn] = other;
    drawn += 1;
  }
  return drawn;
}

function buildBatch(
  train: Dataset,
  ordersOf: { start: Int32Array; orders: Int32Array },
  lines: Int32Array,
  start: number,
  { batchSize, maxCart, maxHistory }: BatchShape,
  rng: Rng,
): Batch {
  const products = numProducts(train);
  const size = Math.min(batchSize, lines.length / 2 - start);
  const batch: Batch = {
    cart: new Int32Array(size * maxCart).fill(products),
    cartMask: new Float32Array(size * maxCart),
    cartCount: new Float32Array(size).fill(1),
    taste: new Int32Array(size * maxHistory).fill(products),
    tasteMask: new Float32Array(size * maxHistory),
    tasteCount: new Float32Array(size).fill(1),
    positive: new Int32Array(size),
    negative: new Int32Array(size),
    size,
  };
  for (let b = 0; b < size; b++) {
    const order = lines[2 * (start + b)]!;
    const item = lines[2 * (start + b) + 1]!;
    // A random cart of 1..maxCart other products of the order, without copying the order.
    const items = orderProducts(train, order);
    const others = items.length - 1;
    const cartSize = others === 0 ? 0 : 1 + Math.floor(rng() * Math.min(maxCart, others));
    const inCart = drawDistinct(batch.cart, b * maxCart, cartSize, item, () => {
      return items[Math.floor(rng() * items.length)]!;
    });
    for (let c = 0; c < inCart; c++) batch.cartMask[b * maxCart + c] = 1;
    batch.cartCount[b] = Math.max(1, inCart);
    // The history: products of the customer's other orders.
    const customer = train.orderCustomer[order]!;
    if (customer >= 0) {
      const from = ordersOf.start[customer]!;
      const count = ordersOf.start[customer + 1]! - from;
      const drawn =
        count < 2
          ? 0
          : // The product itself may be in the history: buying again is what a history predicts best.
            drawDistinct(batch.taste, b * maxHistory, maxHistory, -1, () => {
              const other = ordersOf.orders[from + Math.floor(rng() * count)]!;
              if (other === order) return -1;
              const bought = orderProducts(train, other);
              return bought[Math.floor(rng() * bought.length)]!;
            });
      for (let c = 0; c < drawn; c++) batch.tasteMask[b * maxHistory + c] = 1;
      batch.tasteCount[b] = Math.max(1, drawn);
    }
    batch.positive[b] = item;
    let negative = Math.floor(rng() * products);
    if (negative === item) negative = (negative + 1) % products;
    batch.negative[b] = negative;
  }
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
  const maxCart = batch.cart.length / batch.size;
  const maxHistory = batch.taste.length / batch.size;
  return tf.tidy(() => {
    const cart = tf.tensor2d(batch.cart, [batch.size, maxCart], "int32");
    const cartMask = tf.tensor3d(batch.cartMask, [batch.size, maxCart, 1]);
    const cartCount = tf.tensor2d(batch.cartCount, [batch.size, 1]);
    const taste = tf.tensor2d(batch.taste, [batch.size, maxHistory], "int32");
    const tasteMask = tf.tensor3d(batch.tasteMask, [batch.size, maxHistory, 1]);
    const tasteCount = tf.tensor2d(batch.tasteCount, [batch.size, 1]);
    const positive = tf.tensor1d(batch.positive, "int32");
    const negative = tf.tensor1d(batch.negative, "int32");
    const cost = optimizer.minimize(
      () => {
        const cartVectors = tf.sum(tf.mul(tf.gather(contextVars, cart), cartMask), 1).div(cartCount);
        const tasteVectors = tf.sum(tf.mul(tf.gather(tasteVars, taste), tasteMask), 1).div(tasteCount);
        const context = cartVectors.add(tasteVectors);
        const positives = tf.gather(productVars, positive);
        const negatives = tf.gather(productVars, negative);
        const margin = tf
          .sum(context.mul(positives.sub(negatives)), 1)
          .add(tf.gather(biasVars, positive))
          .sub(tf.gather(biasVars, negative));
        const ranking = tf.mean(tf.softplus(tf.neg(margin)));
        const norms = tf.mean(
          tf
            .sum(tf.square(context), 1)
            .add(tf.sum(tf.square(positives), 1))
            .add(tf.sum(tf.square(negatives), 1)),
        );
        return ranking.add(norms.mul(l2)) as ReturnType<TfModule["scalar"]>;
      },
      true,
      [productVars, contextVars, tasteVars, biasVars],
    );
    return cost ? cost.dataSync()[0]! : 0;
  });
}
