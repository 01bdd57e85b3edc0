// @ts-check
/**
 * The page's labels: the class names come from the served model (`GET /api/model` in server mode,
 * its `fer-model.json` in the browser): the seven FER2013 classes for `models/default`, FER+'s eight
 * (contempt last) for a FER+ model. Their display names come from the face contract
 * (`face_contract.js`, the one copy the server shares); this module adds a colour for each.
 *
 * @module
 */
import { checkLabels, displayName, FER_EMOTIONS, FERPLUS_EMOTIONS } from "./face_contract.js";

/**
 * The FER2013 class names (the contract's `FER_EMOTIONS`): what the page shows until it knows the
 * served model's labels, never a substitute for them.
 */
export const EMOTIONS = FER_EMOTIONS;

export { checkLabels, displayName, FERPLUS_EMOTIONS };

/** Colour used for a class in the overlay and the score bars (every FER+ class has one). */
export const EMOTION_COLORS = Object.freeze({
  angry: "#e5484d",
  disgust: "#30a46c",
  fear: "#8e4ec6",
  happy: "#f5b400",
  sad: "#0090ff",
  surprise: "#f76b15",
  neutral: "#8b8d98",
  contempt: "#d6409f",
});

/** Colour of a label no known set has (a custom model's), so its box and bar are still drawn. */
export const OTHER_LABEL_COLOR = "#c8ccd4";

/**
 * The colour of `label`: its own, or {@link OTHER_LABEL_COLOR}.
 * @param {string} label
 * @returns {string}
 */
export function labelColor(label) {
  return Object.hasOwn(EMOTION_COLORS, label)
    ? EMOTION_COLORS[/** @type {keyof typeof EMOTION_COLORS} */ (label)]
    : OTHER_LABEL_COLOR;
}
