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
 * to `[0, size)`, or {@link OUTSIDE} when `clamp` is false.
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
  for (let o = 0; o < outSize; o++) {
    starts[o] = indices.length;
    const a = start + o * scale;
    const b = a + scale;
    let total = 0;
    const first = indices.length;
    for (let s = Math.floor(a); s < b; s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap <= 1e-9) continue;
      const inside = s >= 0 && s < size;
      if (inside) indices.push(s);
      else indices.push(clamp ? Math.min(size - 1, Math.max(0, s)) : OUTSIDE);
      weights.push(overlap);
      total += overlap;
    }
    for (let k = first; k < weights.length; k++) weights[k] /= total;
  }
  starts[outSize] = indices.length;
  return { starts, indices: Int32Array.from(indices), weights: Float32Array.from(weights) };
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
  const fillRow = new Float32Array(outWidth * channels).fill(fill);
  // Horizontal pass over the source rows the window touches (each once), then the vertical pass.
  const rowCache: (Float32Array | undefined)[] = new Array(height);
  const rowOf = (sy: number): Float32Array => {
    if (sy === OUTSIDE) return fillRow;
    let row = rowCache[sy];
    if (row) return row;
    row = new Float32Array(outWidth * channels);
    const base = sy * width * stride;
    for (let ox = 0; ox < outWidth; ox++) {
      const o = ox * channels;
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
    rowCache[sy] = row;
    return row;
  };
  const out = new Float32Array(outWidth * outHeight * channels);
  for (let oy = 0; oy < outHeight; oy++) {
    const dst = oy * outWidth * channels;
    for (let k = ys.starts[oy]; k < ys.starts[oy + 1]; k++) {
      const w = ys.weights[k];
      const row = rowOf(ys.indices[k]);
      for (let i = 0; i < row.length; i++) out[dst + i] += w * row[i];
    }
  }
  return { width: outWidth, height: outHeight, channels, data: out };
}
