// @ts-check
/**
 * The seven FER2013 classes in model output order (the same list as `src/labels.ts`, which a test
 * keeps in sync; the page is plain ES modules and cannot import TypeScript).
 *
 * @module
 */

/** Lower-case class names; index = model output index. */
export const EMOTIONS = Object.freeze([
  "angry",
  "disgust",
  "fear",
  "happy",
  "sad",
  "surprise",
  "neutral",
]);

/** Capitalised display name, e.g. `"happy"` -> `"Happy"`. */
export function displayName(/** @type {string} */ emotion) {
  return emotion.charAt(0).toUpperCase() + emotion.slice(1);
}

/** Colour used for a class in the overlay and the score bars. */
export const EMOTION_COLORS = Object.freeze({
  angry: "#e5484d",
  disgust: "#30a46c",
  fear: "#8e4ec6",
  happy: "#f5b400",
  sad: "#0090ff",
  surprise: "#f76b15",
  neutral: "#8b8d98",
});
