/**
 * Arithmetic on class probabilities that the page and the server must do identically: the
 * temperature of a calibrated model and the weighted mean of a model set's members. Pure (no DOM,
 * no Deno), so `src/classifier/temperature.ts` and `src/classifier/set_classifier.ts` import this
 * very file; see the temperature module there for why scaling probabilities equals scaling logits.
 *
 * @example
 * ```js
 * applyTemperature([0.7, 0.2, 0.1], 3, 2); // ≈ [0.523, 0.279, 0.198]
 * weightedMeanProbabilities([[1, 0], [0, 1]], [3, 1]); // [0.75, 0.25]
 * ```
 *
 * @module
 */

/**
 * Temperature scaling: each row of `count x classes` probabilities becomes
 * `p^(1/T) / sum p^(1/T)` (= softmax(logits / T)), from logarithms so small probabilities neither
 * underflow nor overflow. The top class never changes; T = 1 returns an unchanged copy.
 * @param {ArrayLike<number>} probabilities rows of `classes` values
 * @param {number} classes
 * @param {number} temperature a finite number > 0 (fer-model.json's `temperature`, 1 when absent)
 * @returns {Float32Array}
 * @throws {RangeError} when the temperature is not a finite number > 0 or the length is not a
 *   multiple of `classes`.
 */
export function applyTemperature(probabilities, classes, temperature) {
  if (!(typeof temperature === "number" && Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(`temperature must be a finite number > 0, got ${temperature}`);
  }
  if (!(classes > 0) || probabilities.length % classes !== 0) {
    throw new RangeError(`${probabilities.length} probabilities are not rows of ${classes}`);
  }
  const out = Float32Array.from(probabilities);
  if (temperature === 1) return out;
  const inverse = 1 / temperature;
  const logits = new Float64Array(classes);
  for (let row = 0; row < out.length; row += classes) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) {
      // A probability of exactly 0 stays 0 at any temperature (log 0 = -Infinity).
      logits[k] = Math.log(probabilities[row + k]) * inverse;
      if (logits[k] > max) max = logits[k];
    }
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      logits[k] = Math.exp(logits[k] - max);
      sum += logits[k];
    }
    for (let k = 0; k < classes; k++) out[row + k] = logits[k] / sum;
  }
  return out;
}

/**
 * The weighted mean of equally sized probability matrices, a model set's scores:
 * `sum w_i * part_i / sum w_i`.
 * @param {readonly ArrayLike<number>[]} parts
 * @param {readonly number[]} weights finite numbers > 0
 * @returns {Float32Array}
 * @throws {RangeError} when the parts differ in length, there are none, or a weight is not a
 *   finite number > 0.
 */
export function weightedMeanProbabilities(parts, weights) {
  if (parts.length === 0 || parts.length !== weights.length) {
    throw new RangeError(`${parts.length} probability matrices for ${weights.length} weights`);
  }
  if (!weights.every((w) => Number.isFinite(w) && w > 0)) {
    throw new RangeError(`weights must be finite numbers > 0, got ${weights.join(", ")}`);
  }
  const length = parts[0].length;
  if (!parts.every((p) => p.length === length)) {
    throw new RangeError(`probability matrices of ${parts.map((p) => p.length).join(" vs ")}`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const sum = new Float64Array(length);
  parts.forEach((part, m) => {
    const w = weights[m] / total;
    for (let i = 0; i < length; i++) sum[i] += w * part[i];
  });
  return Float32Array.from(sum);
}
