/**
 * The FER2013 expression classes, in the order of the dataset's `emotion` column.
 *
 * @module
 */

/** Lower-case names of the seven FER2013 classes; index = FER2013 label id. */
export const FER_EMOTIONS = [
  "angry",
  "disgust",
  "fear",
  "happy",
  "sad",
  "surprise",
  "neutral",
] as const;

/** One FER2013 class name. */
export type Emotion = typeof FER_EMOTIONS[number];

/** The eight FER+ classes in the order fer-edge stores them (FER2013 order, contempt last). */
export const FERPLUS_EMOTIONS = [...FER_EMOTIONS, "contempt"] as const;

/** Capitalised display name of a class, e.g. `"happy"` -> `"Happy"`. */
export function displayName(emotion: string): string {
  return emotion.charAt(0).toUpperCase() + emotion.slice(1);
}
