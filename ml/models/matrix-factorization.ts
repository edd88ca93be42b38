import { type Dataset, numOrders, numProducts, orderProducts } from "../dataset";
import { createRng, type Rng } from "../random";
import type { Query, Recommender } from "../recommender";
import { loadTf, type TfModule } from "../tf";

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
  seed?: number;
  onEpoch?: (progress: { epoch: number; epochs: number; loss: number }) => void;
}

interface Batch {
  cart: Int32Array;
  cartMask: Float32Array;
  cartCount: Float32Array;
  user: Int32Array;
  userMask: Float32Array;
  positive: Int32Array;
  negative: Int32Array;
  size: number;
}

/**
 * Collaborative filtering trained with TF.js on implicit feedback: a shopper's context is their
 * customer embedding plus the mean of their cart products' context embeddings, and a product
 * scores by its dot product with that context plus a bias. Trained with BPR: each order line is a
 * positive for the context made of its customer and a few other products of the same order,
 * against a random product. Training uses TF.js; scoring is plain typed-array arithmetic on the
 * extracted embeddings, so serving never touches TF.js.
 */
export class FactorizationRecommender implements Recommender {
  readonly name = "factorization";
  dimensions: number;
  /** product output embeddings, row-major products x dimensions */
  productVectors = new Float32Array(0);
  /** product context (cart) embeddings */
  contextVectors = new Float32Array(0);
  customerVectors = new Float32Array(0);
  productBias = new Float32Array(0);
  backend = "";
  private readonly context: Float32Array;

  constructor(private readonly options: FactorizationOptions = {}) {
    this.dimensions = options.dimensions ?? 32;
    this.context = new Float32Array(this.dimensions);
  }

  async fit(train: Dataset): Promise<void> {
    const { tf, backend } = await loadTf();
    this.backend = backend;
    const d = this.dimensions;
    const products = numProducts(train);
    const customers = train.catalog.customerIds.length;
    const seed = this.options.seed ?? 7;
    const rng = createRng(seed);
    // Inside tidy the initial values are freed; tidy never disposes the variables themselves.
    const init = (rows: number, scale: number, offset: number) =>
      tf.tidy(() => tf.variable(tf.randomNormal([rows, d], 0, scale, "float32", seed + offset)));
    // One padding row each for "no cart product" and "no customer"; masks keep them out of every sum.
    const productVars = init(products, 0.1, 1);
    const contextVars = init(products + 1, 0.1, 2);
    const customerVars = init(customers + 1, 0.1, 3);
    const biasVars = tf.tidy(() => tf.variable(tf.zeros([products])));
    const optimizer = tf.train.adam(this.options.learningRate ?? 0.01);
    const epochs = this.options.epochs ?? 6;
    const batchSize = this.options.batchSize ?? 2048;
    const l2 = this.options.l2 ?? 1e-4;
    const maxCart = this.options.maxCart ?? 3;
    try {
      const lines = trainingLines(train);
      for (let epoch = 1; epoch <= epochs; epoch++) {
        shuffle(rng, lines);
        let lossSum = 0;
        let steps = 0;
        for (let start = 0; start < lines.length / 2; start += batchSize) {
          const batch = buildBatch(train, lines, start, batchSize, maxCart, rng);
          const loss = trainStep(tf, optimizer, batch, {
            productVars,
            contextVars,
            customerVars,
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
      this.customerVectors = Float32Array.from(customerVars.dataSync());
      this.productBias = Float32Array.from(biasVars.dataSync());
    } finally {
      for (const variable of [productVars, contextVars, customerVars, biasVars]) variable.dispose();
      optimizer.dispose();
    }
  }

  score(query: Query, out: Float32Array): void {
    const d = this.dimensions;
    const context = this.context;
    context.fill(0);
    if (query.customer >= 0 && (query.customer + 1) * d <= this.customerVectors.length) {
      for (let k = 0; k < d; k++) context[k]! += this.customerVectors[query.customer * d + k]!;
    }
    const cart = query.cart.filter((item) => item >= 0 && item < this.productBias.length);
    for (const item of cart) {
      for (let k = 0; k < d; k++) context[k]! += this.contextVectors[item * d + k]! / cart.length;
    }
    const vectors = this.productVectors;
    for (let i = 0; i < this.productBias.length; i++) {
      let sum = this.productBias[i]!;
      const row = i * d;
      for (let k = 0; k < d; k++) sum += context[k]! * vectors[row + k]!;
      out[i] = sum;
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

function buildBatch(
  train: Dataset,
  lines: Int32Array,
  start: number,
  batchSize: number,
  maxCart: number,
  rng: Rng,
): Batch {
  const products = numProducts(train);
  const customers = train.catalog.customerIds.length;
  const size = Math.min(batchSize, lines.length / 2 - start);
  const batch: Batch = {
    cart: new Int32Array(size * maxCart).fill(products),
    cartMask: new Float32Array(size * maxCart),
    cartCount: new Float32Array(size).fill(1),
    user: new Int32Array(size).fill(customers),
    userMask: new Float32Array(size),
    positive: new Int32Array(size),
    negative: new Int32Array(size),
    size,
  };
  for (let b = 0; b < size; b++) {
    const order = lines[2 * (start + b)]!;
    const item = lines[2 * (start + b) + 1]!;
    // Draw up to maxCart distinct other products of the order, without copying the order.
    const items = orderProducts(train, order);
    const others = items.length - 1;
    const cartSize = others === 0 ? 0 : 1 + Math.floor(rng() * Math.min(maxCart, others));
    let drawn = 0;
    for (let attempt = 0; drawn < cartSize && attempt < 8 * maxCart; attempt++) {
      const other = items[Math.floor(rng() * items.length)]!;
      if (other === item) continue;
      let seen = false;
      for (let c = 0; c < drawn; c++) seen ||= batch.cart[b * maxCart + c] === other;
      if (seen) continue;
      batch.cart[b * maxCart + drawn] = other;
      batch.cartMask[b * maxCart + drawn] = 1;
      drawn += 1;
    }
    batch.cartCount[b] = Math.max(1, drawn);
    const customer = train.orderCustomer[order]!;
    if (customer >= 0) {
      batch.user[b] = customer;
      batch.userMask[b] = 1;
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
  customerVars: ReturnType<TfModule["variable"]>;
  biasVars: ReturnType<TfModule["variable"]>;
  l2: number;
}

function trainStep(
  tf: TfModule,
  optimizer: ReturnType<TfModule["train"]["adam"]>,
  batch: Batch,
  { productVars, contextVars, customerVars, biasVars, l2 }: Variables,
): number {
  const maxCart = batch.cart.length / batch.size;
  return tf.tidy(() => {
    const cart = tf.tensor2d(batch.cart, [batch.size, maxCart], "int32");
    const cartMask = tf.tensor3d(batch.cartMask, [batch.size, maxCart, 1]);
    const cartCount = tf.tensor2d(batch.cartCount, [batch.size, 1]);
    const user = tf.tensor1d(batch.user, "int32");
    const userMask = tf.tensor2d(batch.userMask, [batch.size, 1]);
    const positive = tf.tensor1d(batch.positive, "int32");
    const negative = tf.tensor1d(batch.negative, "int32");
    const cost = optimizer.minimize(
      () => {
        const cartVectors = tf.sum(tf.mul(tf.gather(contextVars, cart), cartMask), 1).div(cartCount);
        const context = cartVectors.add(tf.gather(customerVars, user).mul(userMask));
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
      [productVars, contextVars, customerVars, biasVars],
    );
    return cost ? cost.dataSync()[0]! : 0;
  });
}
