/**
 * Temperature scaling of class probabilities (Guo et al. 2017): the calibrated scores are
 * `softmax(z / T)` for the model's logits `z`. The models end in a softmax, and `softmax(z) = p`
 * gives `z = log p + const` per row, so `softmax(log p / T)` is exactly `softmax(z / T)`: the
 * temperature applies to probabilities, the model needs no change, and the same function serves
 * a test-time-averaged or a model set's mean probabilities. T > 1 softens over-confident scores,
 * T < 1 sharpens; the order of the classes, and so the top class, never changes.
 *
 * `fer-model.json`'s `temperature` (absent = 1, scores unchanged) is what the server, the page and
 * the CLIs apply. The arithmetic lives in the page's `static/js/scores.js`, which this module
 * re-exports, so server and page compute the same numbers.
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
 * each row becomes `p^(1/T) / Σ p^(1/T)`. One function for server and page, in
 * `static/js/scores.js`.
 */
export { applyTemperature } from "../../static/js/scores.js";
