/**
 * `MaxPoolGrad` for wasm as a single pass over the input: each output window routes its gradient
 * to the first maximum of the window, as the `cpu` backend does. tfjs-backend-wasm 4.22's own
 * kernel disagrees with `cpu` and is slow, so this one replaces it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32View, makeF32Output } from "../wasm_heap.ts";

/** Kernel function for `MaxPoolGrad` (inputs dy, input, output; NHWC). */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: "valid" | "same" | number;
    dimRoundingMode?: "floor" | "round" | "ceil";
  };
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const out = makeF32Output(backend, input.shape);
  const dx = f32View(backend, out);
  const x = f32View(backend, input);
  const g = f32View(backend, dy);
  const tiled = info.filterHeight === info.strideHeight && info.filterWidth === info.strideWidth &&
    info.padInfo.top === 0 && info.padInfo.left === 0 &&
    info.outHeight * info.strideHeight === info.inHeight &&
    info.outWidth * info.strideWidth === info.inWidth;
  if (tiled && info.filterHeight === 2 && info.filterWidth === 2) routeToMaxima2x2(x, g, dx, info);
  else if (tiled) routeToMaximaTiled(x, g, dx, info);
  else routeToMaxima(x, g, dx, info);
  return out;
};

/** The tiled case for 2x2 windows with stride 2, unrolled (the common VGG-style pool). */
export function routeToMaxima2x2(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inWidth, inChannels: c, outHeight, outWidth } = info;
  const rowStride = inWidth * c;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const rowBase = (b * outHeight + oy) * 2 * rowStride;
      for (let ox = 0; ox < outWidth; ox++) {
        const i0 = rowBase + ox * 2 * c;
        const i1 = i0 + c;
        const i2 = i0 + rowStride;
        const i3 = i2 + c;
        const gBase = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          // First maximum in window order, as cpu picks it (strict >, starting from -Infinity).
          let best = -Infinity;
          let which = -1;
          const v0 = x[i0 + ch];
          const v1 = x[i1 + ch];
          const v2 = x[i2 + ch];
          const v3 = x[i3 + ch];
          if (v0 > best) {
            best = v0;
            which = 0;
          }
          if (v1 > best) {
            best = v1;
            which = 1;
          }
          if (v2 > best) {
            best = v2;
            which = 2;
          }
          if (v3 > best) which = 3;
          const g = dy[gBase + ch];
          dx[i0 + ch] = which === 0 ? g : 0;
          dx[i1 + ch] = which === 1 ? g : 0;
          dx[i2 + ch] = which === 2 ? g : 0;
          dx[i3 + ch] = which === 3 ? g : 0;
        }
      }
    }
  }
}

/**
 * Windows that tile the input exactly (pool = stride, no padding, e.g. 2x2/2 on even sizes): each
 * input belongs to one window, so dx is written once per element and needs no clearing.
 */
export function routeToMaximaTiled(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inWidth, inChannels: c, outHeight, outWidth } = info;
  const fh = info.filterHeight;
  const fw = info.filterWidth;
  const rowStride = inWidth * c;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const corner = ((b * outHeight + oy) * fh * inWidth + ox * fw) * c;
        const gBase = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let where = -1;
          for (let ky = 0; ky < fh; ky++) {
            for (let kx = 0; kx < fw; kx++) {
              const i = corner + ky * rowStride + kx * c + ch;
              dx[i] = 0;
              if (x[i] > best) {
                best = x[i];
                where = i;
              }
            }
          }
          if (where >= 0) dx[where] = dy[gBase + ch];
        }
      }
    }
  }
}

/** dx[argmax of each window] += dy[window]; dx is overwritten. */
export function routeToMaxima(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  dx.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + fw);
        best.fill(-Infinity);
        where.fill(-1);
        for (let iy = yStart; iy < yEnd; iy++) {
          for (let ix = xStart; ix < xEnd; ix++) {
            const base = xBatch + (iy * inWidth + ix) * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch];
              if (v > best[ch]) {
                best[ch] = v;
                where[ch] = base + ch;
              }
            }
          }
        }
        const gBase = ((b * outHeight + oy) * outWidth + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          if (where[ch] >= 0) dx[where[ch]] += dy[gBase + ch];
        }
      }
    }
  }
}
