/**
 * Inverse of a symmetric positive-definite matrix (row-major Float64Array, n x n), in plain
 * TypeScript: Cholesky G = L Lᵀ, W = L⁻¹, then G⁻¹ = Wᵀ W, about n³/2 multiply-adds in all. Each
 * phase works on a block of rows so that a streamed row is reused while it is in cache, and the
 * inner loops combine four rows per pass to cut loads and stores per multiply-add.
 */

const BLOCK = 32;

/** Returns G⁻¹ as a new full (symmetric) matrix; `g` is overwritten. Throws if G is not SPD. */
export function invertSpd(g: Float64Array, n: number): Float64Array {
  if (g.length !== n * n) throw new RangeError("matrix size does not match n");
  choleskyInPlace(g, n);
  invertLowerInPlace(g, n);
  return lowerGram(g, n);
}

/** Lower Cholesky factor written into the lower triangle of `a` (the upper triangle is ignored). */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    // Columns left of the block: each finished row j is reused by every row of the block.
    for (let j = 0; j < start; j++) {
      const rowJ = j * n;
      const inv = 1 / a[rowJ + j]!;
      let i = start;
      for (; i + 3 < end; i += 4) {
        const r0 = i * n;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let t = 0; t < j; t++) {
          const v = a[rowJ + t]!;
          s0 += a[r0 + t]! * v;
          s1 += a[r0 + n + t]! * v;
          s2 += a[r0 + 2 * n + t]! * v;
          s3 += a[r0 + 3 * n + t]! * v;
        }
        a[r0 + j] = (a[r0 + j]! - s0) * inv;
        a[r0 + n + j] = (a[r0 + n + j]! - s1) * inv;
        a[r0 + 2 * n + j] = (a[r0 + 2 * n + j]! - s2) * inv;
        a[r0 + 3 * n + j] = (a[r0 + 3 * n + j]! - s3) * inv;
      }
      for (; i < end; i++) a[i * n + j] = (a[i * n + j]! - dot(a, i * n, rowJ, j)) * inv;
    }
    // Inside the block.
    for (let i = start; i < end; i++) {
      const rowI = i * n;
      for (let j = start; j <= i; j++) {
        const rowJ = j * n;
        const s = a[rowI + j]! - dot(a, rowI, rowJ, j);
        if (i === j) {
          if (!(s > 0)) throw new RangeError("matrix is not positive definite");
          a[rowI + i] = Math.sqrt(s);
        } else {
          a[rowI + j] = s / a[rowJ + j]!;
        }
      }
    }
  }
}

/** Replaces the lower-triangular L (lower triangle of `a`) by L⁻¹, row by row: L W = I. */
export function invertLowerInPlace(a: Float64Array, n: number): void {
  const scratch = new Float64Array(BLOCK * n);
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    scratch.fill(0);
    for (let i = start; i < end; i++) scratch[(i - start) * n + i] = 1;
    // W[i] = (e_i - sum_{k<i} L[i][k] W[k]) / L[i][i]; finished rows k < start first, four at a time.
    for (let i = start; i < end; i++) {
      const rowI = i * n;
      const out = (i - start) * n;
      let k = 0;
      for (; k + 3 < start; k += 4) {
        const f0 = a[rowI + k]!;
        const f1 = a[rowI + k + 1]!;
        const f2 = a[rowI + k + 2]!;
        const f3 = a[rowI + k + 3]!;
        const w0 = k * n;
        // Rows k..k+3 of W are zero beyond their diagonal, so k + 4 columns cover them all.
        for (let t = 0; t <= k + 3; t++) {
          scratch[out + t] =
            scratch[out + t]! -
            f0 * a[w0 + t]! -
            f1 * a[w0 + n + t]! -
            f2 * a[w0 + 2 * n + t]! -
            f3 * a[w0 + 3 * n + t]!;
        }
      }
      for (; k < start; k++) {
        const f = a[rowI + k]!;
        if (f !== 0) axpy(scratch, out, a, k * n, -f, k + 1);
      }
    }
    for (let i = start; i < end; i++) {
      const rowI = i * n;
      const out = (i - start) * n;
      for (let k = start; k < i; k++) {
        const f = a[rowI + k]!;
        if (f !== 0) axpy(scratch, out, scratch, (k - start) * n, -f, k + 1);
      }
      const inv = 1 / a[rowI + i]!;
      for (let j = 0; j <= i; j++) scratch[out + j] = scratch[out + j]! * inv;
    }
    for (let i = start; i < end; i++) {
      const rowI = i * n;
      const out = (i - start) * n;
      for (let j = 0; j <= i; j++) a[rowI + j] = scratch[out + j]!;
      for (let j = i + 1; j < n; j++) a[rowI + j] = 0;
    }
  }
}

/** Full symmetric Wᵀ W for a lower-triangular W (the strict upper triangle of `w` must be zero). */
export function lowerGram(w: Float64Array, n: number): Float64Array {
  const p = new Float64Array(n * n);
  // P[i][0..i] += sum_{k >= i} W[k][i] W[k][0..i], four rows k at a time within a block.
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let i = 0; i < end; i++) {
      const rowI = i * n;
      let k = Math.max(i, start);
      for (; k + 3 < end; k += 4) {
        const k0 = k * n;
        const f0 = w[k0 + i]!;
        const f1 = w[k0 + n + i]!;
        const f2 = w[k0 + 2 * n + i]!;
        const f3 = w[k0 + 3 * n + i]!;
        for (let t = 0; t <= i; t++) {
          p[rowI + t] =
            p[rowI + t]! +
            f0 * w[k0 + t]! +
            f1 * w[k0 + n + t]! +
            f2 * w[k0 + 2 * n + t]! +
            f3 * w[k0 + 3 * n + t]!;
        }
      }
      for (; k < end; k++) {
        const f = w[k * n + i]!;
        if (f !== 0) axpy(p, rowI, w, k * n, f, i + 1);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) p[j * n + i] = p[i * n + j]!;
  }
  return p;
}

function dot(a: Float64Array, x: number, y: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let t = 0;
  for (; t + 1 < len; t += 2) {
    s0 += a[x + t]! * a[y + t]!;
    s1 += a[x + t + 1]! * a[y + t + 1]!;
  }
  if (t < len) s0 += a[x + t]! * a[y + t]!;
  return s0 + s1;
}

/** out[o..o+len) += f * src[s..s+len) */
function axpy(out: Float64Array, o: number, src: Float64Array, s: number, f: number, len: number): void {
  for (let t = 0; t < len; t++) out[o + t] = out[o + t]! + f * src[s + t]!;
}
