/**
 * Test-time views: classifying a face and its mirror image and averaging the two score vectors
 * (`tta: "flip"`). The models are trained with horizontal flips, so the mirror is an equally valid
 * view; averaging removes part of each view's error (+1.3 pt on PublicTest for the untied
 * `models/default-untied`) at twice the classification cost, which is why it is opt-in. A
 * mirror-tied model (`mirrorSymmetric` in its metadata, such as the shipped one) gains nothing from
 * it, and the classifiers score it on one view. Pure: no Deno or DOM APIs.
 *
 * @module
 */
import type { InputSpec } from "../model/metadata.ts";

/** Views the classifier averages per face: `none` = the crop alone, `flip` = crop and mirror. */
export type ClassifyTta = "none" | "flip";

/** Every {@link ClassifyTta} value, for parsing flags and query parameters. */
export const CLASSIFY_TTA_MODES: readonly ClassifyTta[] = ["none", "flip"];

/** Whether `value` names a {@link ClassifyTta} mode (for flags and query parameters). */
export function isClassifyTta(value: unknown): value is ClassifyTta {
  return (CLASSIFY_TTA_MODES as readonly unknown[]).includes(value);
}

/**
 * Number of forward passes per face for `tta`: one for a mirror-tied model (`mirrorSymmetric` in
 * its metadata), whose mirror view would score exactly what the face itself does.
 */
export function viewsPerFace(tta: ClassifyTta, mirrorSymmetric = false): number {
  return tta === "flip" && !mirrorSymmetric ? 2 : 1;
}

/** `face` (row-major, `input.channels` per pixel) mirrored left to right. */
export function mirrorFace(face: Uint8Array, input: InputSpec): Uint8Array {
  const { width, height, channels } = input;
  const out = new Uint8Array(face.length);
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = y * row + x * channels;
      const to = y * row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = face[from + c];
    }
  }
  return out;
}

/**
 * Averages the scores of `views` batches of `count` faces stored one after another (all first
 * views, then all second views, ...) into one `count × classes` matrix.
 *
 * @throws {RangeError} when the length is not `views × count × classes`.
 */
export function averageViews(
  probabilities: ArrayLike<number>,
  count: number,
  classes: number,
  views: number,
): Float32Array {
  const size = count * classes;
  if (probabilities.length !== views * size) {
    throw new RangeError(
      `expected ${views} views of ${count} x ${classes} scores, got ${probabilities.length} values`,
    );
  }
  const out = new Float32Array(size);
  for (let v = 0; v < views; v++) {
    for (let i = 0; i < size; i++) out[i] += probabilities[v * size + i] / views;
  }
  return out;
}
