// @ts-check
/**
 * The page's labels: the seven FER2013 classes in model output order and their display names, from
 * the face contract (`face_contract.js`, the one copy the server shares), and a colour for each.
 *
 * @module
 */
import { displayName, FER_EMOTIONS } from "./face_contract.js";

/** Lower-case class names; index = model output index (the contract's `FER_EMOTIONS`). */
export const EMOTIONS = FER_EMOTIONS;

export { displayName };

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
