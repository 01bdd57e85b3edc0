/**
 * Builds the design matrix an SVM trains on from a prepared split: the chosen feature blocks
 * (`pixels` = the 48 x 48 image scaled to 0..1, or any prepared feature such as `landmarks`, `hog`,
 * `hogWindows`) concatenated per image, for all rows or a chosen subset.
 *
 * @module
 */
import type { PreparedSplit } from "../data/cache.ts";
import { FER_PIXELS } from "../../src/face.ts";

/** Name of the raw-pixel block. */
export const PIXELS = "pixels";

/** Width of feature block `name` in `split` (throws if the split lacks it). */
export function blockWidth(split: PreparedSplit, name: string): number {
  if (name === PIXELS) return FER_PIXELS;
  const values = split.features[name];
  if (!values) {
    const known = [PIXELS, ...Object.keys(split.features)].join(", ");
    throw new Error(
      `feature ${JSON.stringify(name)} is not loaded for ${split.split} (have: ${known})`,
    );
  }
  return values.length / split.count;
}

/** `rows.length x sum(widths)` row-major matrix of the blocks `names` for the given rows. */
export function featureMatrix(
  split: PreparedSplit,
  names: readonly string[],
  rows: ArrayLike<number> = Uint32Array.from({ length: split.count }, (_, i) => i),
): { x: Float32Array; count: number; dimension: number } {
  if (names.length === 0) throw new Error("featureMatrix: no feature blocks named");
  const widths = names.map((name) => blockWidth(split, name));
  const dimension = widths.reduce((a, b) => a + b, 0);
  const x = new Float32Array(rows.length * dimension);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    if (!(i >= 0 && i < split.count)) throw new Error(`featureMatrix: row ${i} out of range`);
    let o = r * dimension;
    names.forEach((name, b) => {
      const w = widths[b];
      if (name === PIXELS) {
        const image = split.images.subarray(i * FER_PIXELS, (i + 1) * FER_PIXELS);
        for (let j = 0; j < w; j++) x[o + j] = image[j] / 255;
      } else {
        x.set(split.features[name].subarray(i * w, (i + 1) * w), o);
      }
      o += w;
    });
  }
  return { x, count: rows.length, dimension };
}
