import type { Rng } from "../data/random";

/** A uniform draw in (0, 1]: never 0, so its logarithm is finite. */
function openUniform(rng: Rng): number {
  return 1 - rng();
}

/** Standard normal draw (Box-Muller, one of the pair). */
export function sampleNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log(openUniform(rng)));
  return radius * Math.cos(2 * Math.PI * rng());
}

/** Gamma(shape, 1) draw: Marsaglia and Tsang's squeeze method, boosted for shapes below 1. */
export function sampleGamma(rng: Rng, shape: number): number {
  if (!(shape > 0)) throw new RangeError("the gamma shape must be positive");
  if (shape < 1) return sampleGamma(rng, shape + 1) * openUniform(rng) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(rng);
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) draw as a ratio of gamma draws. */
export function sampleBeta(rng: Rng, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  const y = sampleGamma(rng, b);
  // Both draws can underflow to 0 for tiny shapes; the mean is the honest answer then.
  if (x + y === 0) return a / (a + b);
  return x / (x + y);
}
