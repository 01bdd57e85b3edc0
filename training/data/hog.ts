/**
 * Histogram of oriented gradients, computed exactly as `skimage.feature.hog` does with
 * `cells_per_block=(1, 1)` (the seed's settings), so feature sizes and values match:
 *
 * - gradients are central differences `I[x+1] - I[x-1]` computed on the (window) image, zero on
 *   its first and last row (vertical) and column (horizontal);
 * - orientation `atan2(gy, gx)` in degrees modulo 180, hard-assigned to one of `orientations` equal
 *   bins (no interpolation); a cell's bin is the sum of the magnitudes in it, accumulated in float32
 *   and divided by the cell area; rows and columns beyond the last whole cell are ignored;
 * - each 1-cell block is normalised with L2-Hys (skimage >= 0.15 default) or L1 (older default).
 *
 * Gradients of 8-bit images are integers in -255..255, so the bin of every gradient comes from a
 * lookup table instead of an `atan2` per pixel, and sliding windows reuse the whole image's
 * gradients (zeroing them on each window's border) instead of re-deriving them per crop.
 * `deno task bench:hog` compares this against a literal port of skimage.
 *
 * @module
 */

/** Block normalisation of skimage's `hog`. */
export type HogBlockNorm = "L2-Hys" | "L1";

/** Parameters of one HOG descriptor. */
export interface HogOptions {
  /** Number of orientation bins over 0..180 degrees. */
  orientations: number;
  /** Cell side in pixels (`pixels_per_cell=(cellSize, cellSize)`). */
  cellSize: number;
  /** Block normalisation; default `"L2-Hys"`. */
  blockNorm?: HogBlockNorm;
}

/** Parameters of the sliding-window HOG: a {@link HogOptions} descriptor per window. */
export interface SlidingHogOptions extends HogOptions {
  /** Window side in pixels; windows at the right and bottom border are clipped. */
  windowSize: number;
  /** Distance between window origins in pixels. */
  step: number;
}

/** The seed's whole-image HOG: 8 orientations, 16 px cells -> 3 x 3 cells x 8 = 72 values on 48 x 48. */
export const FACE_HOG: HogOptions = { orientations: 8, cellSize: 16 };

/** The seed's sliding HOG: 24 px windows every 6 px, 8 px cells -> 2,592 values on 48 x 48. */
export const FACE_HOG_WINDOWS: SlidingHogOptions = {
  orientations: 8,
  cellSize: 8,
  windowSize: 24,
  step: 6,
};

const GRADIENT_RANGE = 511; // -255..255
const NO_BIN = 255;
const EPS2 = 1e-5 * 1e-5;
const binTables = new Map<number, Uint8Array>();

/**
 * Bin of every integer gradient `(gx, gy)` in -255..255, at index `(gy + 255) * 511 + gx + 255`,
 * using skimage's exact rule: `start_i <= (deg(atan2(gy, gx)) mod 180) < start_{i+1}` with float32 bin
 * edges.
 */
export function orientationBinTable(orientations: number): Uint8Array {
  let table = binTables.get(orientations);
  if (table) return table;
  if (!Number.isInteger(orientations) || orientations < 1 || orientations > 254) {
    throw new Error(`orientations must be an integer 1..254, got ${orientations}`);
  }
  const width = 180 / orientations;
  const edges = Array.from({ length: orientations + 1 }, (_, i) => Math.fround(width * i));
  table = new Uint8Array(GRADIENT_RANGE * GRADIENT_RANGE);
  for (let gy = -255; gy <= 255; gy++) {
    for (let gx = -255; gx <= 255; gx++) {
      let degrees = (Math.atan2(gy, gx) * (180 / Math.PI)) % 180;
      if (degrees < 0) degrees += 180;
      let bin = Math.min(orientations - 1, Math.floor(degrees / width));
      // Settle float rounding at the edges the way skimage's comparisons do.
      while (bin > 0 && degrees < edges[bin]) bin--;
      while (bin < orientations && degrees >= edges[bin + 1]) bin++;
      table[(gy + 255) * GRADIENT_RANGE + gx + 255] = bin < orientations ? bin : NO_BIN;
    }
  }
  binTables.set(orientations, table);
  return table;
}

/** Horizontal and vertical central-difference gradients of a `width x height` 8-bit image. */
export interface Gradients {
  /** `I[y][x+1] - I[y][x-1]`, zero in the first and last column. */
  gx: Int16Array;
  /** `I[y+1][x] - I[y-1][x]`, zero in the first and last row. */
  gy: Int16Array;
}

/** Computes {@link Gradients} of an image (row-major, `width * height` values 0..255). */
export function imageGradients(
  image: Uint8Array,
  width: number,
  height: number,
  into?: Gradients,
): Gradients {
  const n = width * height;
  if (image.length < n) throw new Error(`image has ${image.length} pixels, expected ${n}`);
  const gx = into?.gx ?? new Int16Array(n);
  const gy = into?.gy ?? new Int16Array(n);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      gx[i] = x === 0 || x === width - 1 ? 0 : image[i + 1] - image[i - 1];
      gy[i] = y === 0 || y === height - 1 ? 0 : image[i + width] - image[i - width];
    }
  }
  return { gx, gy };
}

/** Number of values {@link hogWindow} writes for a `width x height` window. */
export function hogLength(width: number, height: number, options: HogOptions): number {
  const cells = Math.floor(width / options.cellSize) * Math.floor(height / options.cellSize);
  return cells * options.orientations;
}

function normalizeBlock(hist: Float64Array, norm: HogBlockNorm): void {
  const n = hist.length;
  if (norm === "L1") {
    let sum = 0;
    for (let o = 0; o < n; o++) sum += Math.abs(hist[o]);
    const scale = 1 / (sum + 1e-5);
    for (let o = 0; o < n; o++) hist[o] *= scale;
    return;
  }
  let sq = 0;
  for (let o = 0; o < n; o++) sq += hist[o] * hist[o];
  let denominator = Math.sqrt(sq + EPS2);
  sq = 0;
  for (let o = 0; o < n; o++) {
    const v = Math.min(hist[o] / denominator, 0.2);
    hist[o] = v;
    sq += v * v;
  }
  denominator = Math.sqrt(sq + EPS2);
  for (let o = 0; o < n; o++) hist[o] /= denominator;
}

/**
 * Writes the HOG of the window `[x0, x0+width) x [y0, y0+height)` of an image into `out` at
 * `offset`, as skimage's `hog(image[y0:y0+height, x0:x0+width], ...)` with 1-cell blocks would.
 * `gradients` are those of the whole image (stride `imageWidth`); the window's own borders are
 * treated as image borders. Returns the offset after the last value written.
 */
export function hogWindow(
  gradients: Gradients,
  imageWidth: number,
  x0: number,
  y0: number,
  width: number,
  height: number,
  options: HogOptions,
  out: Float32Array,
  offset = 0,
): number {
  const { orientations, cellSize } = options;
  const norm = options.blockNorm ?? "L2-Hys";
  const table = orientationBinTable(orientations);
  const { gx, gy } = gradients;
  const cellsX = Math.floor(width / cellSize);
  const cellsY = Math.floor(height / cellSize);
  const lastX = x0 + width - 1;
  const lastY = y0 + height - 1;
  const area = cellSize * cellSize;
  const sums = new Float32Array(orientations); // float32 like skimage's `cdef float total`
  const hist = new Float64Array(orientations);
  for (let cy = 0; cy < cellsY; cy++) {
    for (let cx = 0; cx < cellsX; cx++) {
      sums.fill(0);
      const top = y0 + cy * cellSize;
      const left = x0 + cx * cellSize;
      for (let y = top; y < top + cellSize; y++) {
        const rowBorder = y === y0 || y === lastY;
        const row = y * imageWidth;
        for (let x = left; x < left + cellSize; x++) {
          const gxv = x === x0 || x === lastX ? 0 : gx[row + x];
          const gyv = rowBorder ? 0 : gy[row + x];
          if (gxv === 0 && gyv === 0) continue;
          const bin = table[(gyv + 255) * GRADIENT_RANGE + gxv + 255];
          if (bin !== NO_BIN) sums[bin] += Math.sqrt(gxv * gxv + gyv * gyv);
        }
      }
      for (let o = 0; o < orientations; o++) hist[o] = Math.fround(sums[o] / area);
      normalizeBlock(hist, norm);
      for (let o = 0; o < orientations; o++) out[offset++] = hist[o];
    }
  }
  return offset;
}

/** HOG of a whole `width x height` 8-bit image (skimage `hog` with 1-cell blocks). */
export function hog(
  image: Uint8Array,
  width: number,
  height: number,
  options: HogOptions,
  out: Float32Array = new Float32Array(hogLength(width, height, options)),
  offset = 0,
): Float32Array {
  const gradients = imageGradients(image, width, height);
  hogWindow(gradients, width, 0, 0, width, height, options, out, offset);
  return out;
}

/** Window origins along one axis: `0, step, 2*step, ...` below `size`, as Python's `range`. */
function windowStarts(size: number, step: number): number[] {
  if (!Number.isInteger(step) || step < 1) throw new Error(`step must be a positive integer`);
  const starts: number[] = [];
  for (let s = 0; s < size; s += step) starts.push(s);
  return starts;
}

/** Number of values {@link slidingHog} writes for a `width x height` image. */
export function slidingHogLength(
  width: number,
  height: number,
  options: SlidingHogOptions,
): number {
  let total = 0;
  for (const y of windowStarts(height, options.step)) {
    for (const x of windowStarts(width, options.step)) {
      const w = Math.min(options.windowSize, width - x);
      const h = Math.min(options.windowSize, height - y);
      total += hogLength(w, h, options);
    }
  }
  return total;
}

/**
 * The seed's `sliding_hog_windows`: HOG of every window `image[y:y+size, x:x+size]` for `y`, `x` in
 * `range(0, side, step)`, windows clipped at the border (those smaller than a cell add nothing),
 * concatenated with `y` outer and `x` inner.
 */
export function slidingHog(
  image: Uint8Array,
  width: number,
  height: number,
  options: SlidingHogOptions,
  out: Float32Array = new Float32Array(slidingHogLength(width, height, options)),
  offset = 0,
  gradients: Gradients = imageGradients(image, width, height),
): Float32Array {
  for (const y of windowStarts(height, options.step)) {
    for (const x of windowStarts(width, options.step)) {
      const w = Math.min(options.windowSize, width - x);
      const h = Math.min(options.windowSize, height - y);
      offset = hogWindow(gradients, width, x, y, w, h, options, out, offset);
    }
  }
  return out;
}
