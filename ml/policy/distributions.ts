/**
 * Normal and Student t distribution functions for the experiment statistics, accurate to about 1e-14,
 * so p-values and intervals match statistical tables and libraries.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** P(Z > x), kept accurate far into the tail where 1 − Φ(x) would cancel to zero. */
export function normalUpperTail(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 3) return 1 - normalCdf(x);
  // Laplace's continued fraction for the Mills ratio, evaluated from the bottom up.
  let fraction = x;
  for (let k = 200; k >= 1; k--) fraction = x + k / fraction;
  return normalDensity(x) / fraction;
}

/** Φ(x), the standard normal distribution function. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 3) return 1 - normalUpperTail(x);
  if (x <= -3) return normalUpperTail(-x);
  // Φ(x) = 1/2 + φ(x)·(x + x³/3 + x⁵/(3·5) + …); every term has the sign of x, so nothing cancels.
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let i = 3; Math.abs(term) > 1e-17 * Math.abs(sum); i += 2) {
    term *= x2 / i;
    sum += term;
  }
  return 0.5 + sum * normalDensity(x);
}

/** Inverts an increasing distribution function by bisection: slow but exact to the last bit. */
function invert(cdf: (x: number) => number, p: number): number {
  let low = -1;
  let high = 1;
  while (cdf(low) > p) low *= 2;
  while (cdf(high) < p) high *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (mid === low || mid === high) break;
    if (cdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Φ⁻¹(p) for 0 < p < 1, e.g. 1.959964 for 0.975. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError("the probability must be strictly between 0 and 1");
  if (p === 0.5) return 0;
  return p < 0.5 ? -invert(normalCdf, 1 - p) : invert(normalCdf, p);
}

// Lanczos approximation (g = 7, nine coefficients), about 15 significant digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const TINY = 1e-300;

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + even * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + even / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return result;
}

/** I_x(a, b), the regularized incomplete beta function. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  // The fraction converges fast on this side of the mean; use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(T > t) for Student's t with `df` (not necessarily whole) degrees of freedom. */
export function studentTUpperTail(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** The t quantile: the value with probability p below it, e.g. 2.228 for p = 0.975 and 10 degrees. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError("the probability must be strictly between 0 and 1");
  if (!(df > 0)) throw new RangeError("degrees of freedom must be positive");
  if (p === 0.5) return 0;
  const cdf = (t: number) => 1 - studentTUpperTail(t, df);
  return p < 0.5 ? -invert(cdf, 1 - p) : invert(cdf, p);
}
