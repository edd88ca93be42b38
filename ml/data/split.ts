import { type Dataset, numOrders, numProducts, orderProducts, selectOrders } from "./dataset";
import { createRng, shuffleInPlace } from "./random";

export interface TemporalSplit {
  train: Dataset;
  test: Dataset;
  /** orders at or after this time are test orders */
  cutoff: number;
}

/** The last `testFraction` of orders by time become the test set (ties at the cutoff go to test). */
export function temporalSplit(data: Dataset, testFraction = 0.2): TemporalSplit {
  const n = numOrders(data);
  const times = Float64Array.from(data.orderTime).sort();
  const cutoff = n === 0 ? 0 : times[Math.min(n - 1, Math.floor(n * (1 - testFraction)))]!;
  const train: number[] = [];
  const test: number[] = [];
  for (let o = 0; o < n; o++) (data.orderTime[o]! < cutoff ? train : test).push(o);
  return { train: selectOrders(data, train), test: selectOrders(data, test), cutoff };
}

/** A checkout in an evaluation: the shopper, the cart, and the rest of the order to find. */
export interface EvalQuery {
  orderId: string;
  /** customer index, -1 for guests */
  customer: number;
  cart: number[];
  targets: number[];
  /** the customer had orders before the cutoff */
  returning: boolean;
}

/**
 * Checkout queries from test orders: each order with at least two products known from training
 * gives a random cart of 1 product (orders of up to 3 known products) or min(3, floor(m / 3))
 * products, and the others are targets. Deterministic for a seed.
 */
export function buildQueries(
  train: Dataset,
  test: Dataset,
  { seed = 7, maxQueries = 3000 }: { seed?: number; maxQueries?: number } = {},
): EvalQuery[] {
  const rng = createRng(seed);
  const known = new Uint8Array(numProducts(train));
  for (const item of train.orderItems) known[item] = 1;
  const returning = new Set<number>();
  for (const customer of train.orderCustomer) if (customer >= 0) returning.add(customer);
  const candidates: number[] = [];
  for (let o = 0; o < numOrders(test); o++) {
    let count = 0;
    for (const item of orderProducts(test, o)) count += known[item]!;
    if (count >= 2) candidates.push(o);
  }
  candidates.sort((a, b) => compareStrings(test.orderIds[a]!, test.orderIds[b]!));
  shuffleInPlace(rng, candidates);
  return candidates.slice(0, maxQueries).map((o) => {
    const products = shuffleInPlace(
      rng,
      Array.from(orderProducts(test, o)).filter((item) => known[item] === 1),
    );
    const cartSize = products.length <= 3 ? 1 : Math.min(3, Math.floor(products.length / 3));
    const customer = test.orderCustomer[o]!;
    return {
      orderId: test.orderIds[o]!,
      customer,
      cart: products.slice(0, cartSize),
      targets: products.slice(cartSize),
      returning: customer >= 0 && returning.has(customer),
    };
  });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
