/**
 * Per-feature standardisation (zero mean, unit variance on the training rows), which a linear SVM
 * needs when features mix scales (landmark coordinates in 0..1, HOG magnitudes, pixels).
 *
 * @module
 */

/** Means and standard deviations of each feature column. */
export interface Standardizer {
  /** Column means. */
  mean: Float64Array;
  /** Column standard deviations (constant columns get 1, so they map to 0). */
  std: Float64Array;
}

/** Fits column statistics on `count x dimension` row-major `x`. */
export function fitStandardizer(x: Float32Array, count: number, dimension: number): Standardizer {
  if (x.length !== count * dimension || count < 1) {
    throw new Error(`standardize: ${x.length} values do not form ${count} x ${dimension}`);
  }
  const mean = new Float64Array(dimension);
  const sq = new Float64Array(dimension);
  for (let i = 0; i < count; i++) {
    const o = i * dimension;
    for (let j = 0; j < dimension; j++) mean[j] += x[o + j];
  }
  for (let j = 0; j < dimension; j++) mean[j] /= count;
  for (let i = 0; i < count; i++) {
    const o = i * dimension;
    for (let j = 0; j < dimension; j++) {
      const v = x[o + j] - mean[j];
      sq[j] += v * v;
    }
  }
  const std = sq.map((s) => {
    const sd = Math.sqrt(s / count);
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, std };
}

/** Returns a standardised copy of `x` (rows of `mean.length` values). */
export function applyStandardizer(s: Standardizer, x: Float32Array): Float32Array {
  const d = s.mean.length;
  if (x.length % d !== 0) throw new Error(`standardize: ${x.length} values are not rows of ${d}`);
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += d) {
    for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - s.mean[j]) / s.std[j];
  }
  return out;
}
