// @ts-check
/**
 * The face contract's values, one copy for the server, the camera page and training: the 48×48
 * model input, how its 0..255 gray pixels are scaled, how a detector box is framed for the crop,
 * the seven FER2013 classes in model output order (and FER+'s eight), and what makes a list of
 * class names usable. The page imports this file directly (it is
 * plain ES modules, served as files); the TypeScript side imports it through `src/face.ts`, which
 * adds the contract's types.
 *
 * @example
 * ```js
 * import { FER_EMOTIONS, FER_SIZE, PIXEL_SCALE } from "./face_contract.js";
 * const input = new Float32Array(FER_SIZE * FER_SIZE).map((_, i) => gray[i] * PIXEL_SCALE);
 * ```
 *
 * @module
 */

/** Side of a face crop and of a FER2013 image, in pixels (48). */
export const FER_SIZE = 48;

/** Pixels (and bytes) in one gray face crop: 48 × 48 = 2304. */
export const FER_PIXELS = FER_SIZE * FER_SIZE;

/** What every fer-edge model multiplies a 0..255 gray pixel by before it sees it (offset 0). */
export const PIXEL_SCALE = 1 / 255;

/**
 * How a detector box becomes the crop window: a square `scale` times the box's larger side, its
 * centre moved by `shiftY` box heights (negative = up). A BlazeFace box spans roughly brow to chin
 * and cheek to cheek; FER2013 faces fill the frame with a little margin, so the window is a slightly
 * enlarged square.
 */
export const FER_FRAMING = Object.freeze({ scale: 1.15, shiftY: -0.02 });

/** Lower-case names of the seven FER2013 classes; index = FER2013 label id = model output index. */
export const FER_EMOTIONS = Object.freeze(
  /** @type {const} */ (["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]),
);

/**
 * The eight FER+ classes in the order fer-edge stores them: FER2013's seven, then contempt. A FER+
 * model (`training.labelSet: "ferplus"`) lists these as its `labels`.
 */
export const FERPLUS_EMOTIONS = Object.freeze(
  /** @type {const} */ ([...FER_EMOTIONS, "contempt"]),
);

/**
 * Which known label set `labels` is: `fer2013` (the seven classes, in order), `ferplus` (the
 * eight), or `custom` for any other list.
 * @param {readonly string[]} labels
 * @returns {"fer2013" | "ferplus" | "custom"}
 */
export function labelSetOf(labels) {
  const same = (/** @type {readonly string[]} */ known) =>
    labels.length === known.length && known.every((label, i) => labels[i] === label);
  if (same(FER_EMOTIONS)) return "fer2013";
  if (same(FERPLUS_EMOTIONS)) return "ferplus";
  return "custom";
}

/**
 * Checks that `labels` (a model's `fer-model.json` `labels`, or `/api/model`'s) is a non-empty
 * list of distinct, non-empty class names, and returns it. Scores are keyed by label, so two equal
 * names would silently lose one class's score.
 *
 * @example
 * ```js
 * checkLabels(["happy", "sad"], "fer-model.json"); // ["happy", "sad"]
 * ```
 * @param {unknown} labels
 * @param {string} where what the list came from, for the message
 * @returns {string[]}
 * @throws {TypeError} naming `where` and what is wrong
 */
export function checkLabels(labels, where) {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new TypeError(`${where} needs labels: a non-empty list of class names`);
  }
  const bad = labels.findIndex((label) => typeof label !== "string" || label === "");
  if (bad >= 0) {
    throw new TypeError(
      `${where} labels[${bad}] must be a non-empty string, got ${JSON.stringify(labels[bad])}`,
    );
  }
  const twice = labels.find((label, i) => labels.indexOf(label) !== i);
  if (twice !== undefined) throw new TypeError(`${where} lists label "${twice}" twice`);
  return labels;
}

/**
 * Capitalised display name of a class, e.g. `"happy"` -> `"Happy"`.
 * @param {string} emotion
 * @returns {string}
 */
export function displayName(emotion) {
  return emotion.charAt(0).toUpperCase() + emotion.slice(1);
}
