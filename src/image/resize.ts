/**
 * Area-averaging resampling ("box filter" with fractional pixel coverage, as OpenCV's `INTER_AREA`):
 * every output pixel is the mean of the source area it covers, so downscaling does not alias. The
 * source window may extend past the image; outside pixels either repeat the nearest edge pixel (the
 * default, which keeps faces at the border from being padded with black) or take a constant value
 * (letterboxing).
 *
 * @module
 */

/** A rectangle in source pixel coordinates (may be fractional and may extend past the image). */
export interface SourceRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Interleaved pixels: `channels` values a pixel, row-major. */
export interface PixelSource {
  width: number;
  height: number;
  channels: number;
  data: ArrayLike<number>;
}

/** Interleaved float pixels: `channels` floats a pixel, row-major. */
export interface FloatImage extends PixelSource {
  data: Float32Array;
}

/** Options for {@link resizeArea}. */
export interface ResizeAreaOptions {
  /** Keep only the first `channels` channels (e.g. 3 to drop alpha). Defaults to all. */
  channels?: number;
  /** Value for pixels outside the image; by default the nearest edge pixel is repeated. */
  fill?: number;
}

const OUTSIDE = -1;

interface AxisWeights {
  /** Per output index, start into `indices`/`weights`. */
  starts: Int32Array;
  indices: Int32Array;
  weights: Float32Array;
}

/**
 * Which source pixels cover each of `outSize` cells of `[start, start+length)`: indices are clamped
 * to `[0, size)`, or {@link OUTSIDE} when `clamp` is false. The part of a cell before or after the
 * image is one entry, however long, so that letterboxing a thin image onto a wide window costs
 * nothing per padded pixel.
 */
function axisWeights(
  start: number,
  length: number,
  outSize: number,
  size: number,
  clamp: boolean,
): AxisWeights {
  const scale = length / outSize;
  const starts = new Int32Array(outSize + 1);
  const indices: number[] = [];
  const weights: number[] = [];
  const add = (index: number, overlap: number) => {
    if (overlap <= 1e-9) return 0;
    indices.push(index);
    weights.push(overlap);
    return overlap;
  };
  for (let o = 0; o < outSize; o++) {
    starts[o] = indices.length;
    const a = start + o * scale;
    const b = a + scale;
    const first = indices.length;
    let total = 0;
    if (a < 0) total += add(clamp ? 0 : OUTSIDE, Math.min(b, 0) - a);
    const insideEnd = Math.min(b, size);
    for (let s = Math.max(0, Math.floor(a)); s < insideEnd; s++) {
      total += add(s, Math.min(b, s + 1) - Math.max(a, s));
    }
    if (b > size) total += add(clamp ? size - 1 : OUTSIDE, b - Math.max(a, size));
    for (let k = first; k < weights.length; k++) weights[k] /= total;
  }
  starts[outSize] = indices.length;
  return { starts, indices: Int32Array.from(indices), weights: Float32Array.from(weights) };
}

/** Whether every entry of output cell `o` lies outside the image. */
function allOutside(axis: AxisWeights, o: number): boolean {
  for (let k = axis.starts[o]; k < axis.starts[o + 1]; k++) {
    if (axis.indices[k] !== OUTSIDE) return false;
  }
  return true;
}

/**
 * Resamples the window `rect` of `source` to `outWidth` × `outHeight` by area averaging.
 *
 * @throws {RangeError} for empty images, windows or output sizes.
 */
export function resizeArea(
  source: PixelSource,
  rect: SourceRect,
  outWidth: number,
  outHeight: number,
  options: ResizeAreaOptions = {},
): FloatImage {
  const { width, height, data } = source;
  const stride = source.channels;
  const channels = options.channels ?? stride;
  if (width <= 0 || height <= 0 || data.length !== width * height * stride) {
    throw new RangeError(`source image ${width}x${height}x${stride} has ${data.length} values`);
  }
  if (!(channels >= 1 && channels <= stride)) {
    throw new RangeError(`cannot keep ${channels} of ${stride} channels`);
  }
  if (!(rect.width > 0 && rect.height > 0)) {
    throw new RangeError(`empty source window ${rect.width}x${rect.height}`);
  }
  if (
    !(Number.isInteger(outWidth) && Number.isInteger(outHeight) && outWidth > 0 && outHeight > 0)
  ) {
    throw new RangeError(`output size must be positive integers, got ${outWidth}x${outHeight}`);
  }
  const clamp = options.fill === undefined;
  const fill = options.fill ?? 0;
  const xs = axisWeights(rect.x, rect.width, outWidth, width, clamp);
  const ys = axisWeights(rect.y, rect.height, outHeight, height, clamp);
  // Output columns that see the image; the others (letterbox padding) are just `fill`.
  let first = 0;
  let end = outWidth;
  if (!clamp) {
    while (first < end && allOutside(xs, first)) first++;
    while (end > first && allOutside(xs, end - 1)) end--;
  }
  const rowLength = outWidth * channels;
  const fillRow = new Float32Array(rowLength).fill(fill);
  // Horizontal pass of one source row. Output rows read their source rows in order, and
  // neighbouring output rows share at most their border rows, so caching the last row computes
  // each source row about once while holding one row, not one per source row (a 1x16M image has
  // 16M rows).
  const row = new Float32Array(rowLength);
  let rowIndex = OUTSIDE;
  const rowOf = (sy: number): Float32Array => {
    if (sy === OUTSIDE) return fillRow;
    if (sy === rowIndex) return row;
    row.fill(fill);
    const base = sy * width * stride;
    for (let ox = first; ox < end; ox++) {
      const o = ox * channels;
      for (let c = 0; c < channels; c++) row[o + c] = 0;
      for (let k = xs.starts[ox]; k < xs.starts[ox + 1]; k++) {
        const w = xs.weights[k];
        const sx = xs.indices[k];
        if (sx === OUTSIDE) {
          for (let c = 0; c < channels; c++) row[o + c] += w * fill;
        } else if (channels === 3) {
          // The detector's RGB-from-RGBA case, unrolled: it reads every pixel of large photos.
          const src = base + sx * stride;
          row[o] += w * data[src];
          row[o + 1] += w * data[src + 1];
          row[o + 2] += w * data[src + 2];
        } else {
          const src = base + sx * stride;
          for (let c = 0; c < channels; c++) row[o + c] += w * data[src + c];
        }
      }
    }
    rowIndex = sy;
    return row;
  };
  const out = new Float32Array(outWidth * outHeight * channels);
  const from = first * channels;
  const to = end * channels;
  for (let oy = 0; oy < outHeight; oy++) {
    const dst = oy * rowLength;
    if (from > 0) out.fill(fill, dst, dst + from);
    if (to < rowLength) out.fill(fill, dst + to, dst + rowLength);
    for (let k = ys.starts[oy]; k < ys.starts[oy + 1]; k++) {
      const w = ys.weights[k];
      const source = rowOf(ys.indices[k]);
      for (let i = from; i < to; i++) out[dst + i] += w * source[i];
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}
