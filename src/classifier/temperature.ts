/**
 * Temperature scaling of class probabilities (Guo et al. 2017): the calibrated scores are
 * `softmax(z / T)` for the model's logits `z`. The models end in a softmax, and `softmax(z) = p`
 * gives `z = log p + const` per row, so `softmax(log p / T)` is exactly `softmax(z / T)`: the
 * temperature applies to probabilities, the model needs no change, and the same function serves
 * a test-time-averaged or a model set's mean probabilities. T > 1 softens over-confident scores,
 * T < 1 sharpens; the order of the classes, and so the top class, never changes.
 *
 * `fer-model.json`'s `temperature` (absent = 1, scores unchanged) is what the server, the page and
 * the CLIs apply. Pure: no Deno or DOM APIs (the page has the same function in
 * `static/js/classifiers.js`, checked against this one by the page-module tests).
 *
 * ```ts
 * applyTemperature([0.7, 0.2, 0.1], 3, 2); // ≈ [0.523, 0.279, 0.198]
 * ```
 *
 * @module
 */

/** Whether `t` is a usable temperature: a finite number > 0. */
export function isTemperature(t: unknown): t is number {
  return typeof t === "number" && Number.isFinite(t) && t > 0;
}

/**
 * `probabilities` (`count × classes`, rows summing to 1) rescaled to temperature `temperature`:
 * each row becomes `p^(1/T) / Σ p^(1/T)`, computed from logarithms so small probabilities neither
 * underflow nor overflow. Returns a new array; T = 1 returns an unchanged copy.
 *
 * @throws {RangeError} when the temperature is not a finite number > 0 or the length is not a
 *   multiple of `classes`.
 */
export function applyTemperature(
  probabilities: ArrayLike<number>,
  classes: number,
  temperature: number,
): Float32Array {
  if (!isTemperature(temperature)) {
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
