/**
 * Person-disjoint folds of a photo folder: every photo of one person lands in the same fold, so a
 * model fine-tuned on one fold is never judged on another photo of someone it trained on. The
 * person is the file name without its trailing image number (`George_W_Bush_0042.jpg` ->
 * `George_W_Bush`, `Avinash_10.jpg` -> `Avinash`); the fold is a hash of it, so it needs no state.
 *
 * @example
 * ```ts
 * import { photoFold } from "./folds.ts";
 * photoFold("Colin_Powell_0001.jpg", 2) === photoFold("Colin_Powell_0137.jpg", 2); // true
 * ```
 *
 * @module
 */

/** The person a photo shows, by the naming of LFW-style folders. */
export function photoPerson(file: string): string {
  const stem = file.replace(/\.[^.]+$/, "");
  return stem.replace(/_\d+$/, "");
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The fold (0 .. folds-1) of `file`: the same for every photo of one person. */
export function photoFold(file: string, folds: number): number {
  if (!(Number.isInteger(folds) && folds >= 2)) throw new RangeError(`folds must be >= 2`);
  return fnv1a(photoPerson(file)) % folds;
}
