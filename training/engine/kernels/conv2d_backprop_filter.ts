/**
 * `Conv2DBackpropFilter` for wasm: im2col written directly in transposed layout on the wasm heap,
 * then one XNNPACK matrix product: dW[(a,b,i), o] = sum over (n,y,x) of
 * xPadded[n, y*s+a, x*s+b, i] * dy[(n,y,x), o].
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertChannelsLast } from "../conv_geometry.ts";
import { scratchF32 } from "../scratch.ts";
import {
  disposeInfo,
  f32View,
  makeF32Output,
  runUpstreamKernel,
  transpose2d,
} from "../wasm_heap.ts";

/** Kernel function for `Conv2DBackpropFilter` (inputs x, dy; NHWC). */
export const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as Record<string, unknown>;
  assertChannelsLast(a.dataFormat, "Conv2DBackpropFilter");
  const filterShape = a.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    a.strides as [number, number],
    1,
    a.pad as "same" | "valid",
    a.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  return info.strideHeight === 1 && info.strideWidth === 1
    ? filterGradStride1(backend, x, dy, info, filterShape)
    : filterGradStrided(backend, x, dy, info, filterShape);
};

/** dW = patches^T [kh*kw*ci, cols] x dy [cols, co] with one XNNPACK product. */
function patchProduct(
  backend: unknown,
  patches: tf.TensorInfo,
  dy: tf.TensorInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo {
  const cols = patches.shape[2];
  const product = runUpstreamKernel(
    "BatchMatMul",
    { a: patches, b: { dataId: dy.dataId, shape: [1, cols, filterShape[3]], dtype: "float32" } },
    { transposeA: false, transposeB: false },
    backend,
  );
  disposeInfo(backend, patches);
  return { dataId: product.dataId, shape: filterShape, dtype: "float32" };
}

/** Bytes of one chunk's dy block: small enough for XNNPACK's packed weights to stay in cache. */
const CHUNK_BYTES = 64 * 1024;
/** Fewest contraction columns per chunk. */
const MIN_CHUNK_COLS = 512;

/**
 * Stride 1: with the input padded to [ci, n, hp, wp] and dy widened to [n, oh, wp, co] (zero
 * columns), each patch row for one image is a single contiguous run of the padded plane. The
 * contraction over n*oh*wp is split into chunks of whole images whose dy block fits in cache (one
 * unsplit product re-streams all of dy once per row block of the patches and is memory-bound);
 * the partial products are summed in float64.
 */
function filterGradStride1(
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const hp = oh + kh - 1;
  const wp = ow + kw - 1;
  const plane = hp * wp;
  const run = oh * wp;
  const rows = kh * kw * ci;
  // Padded planar input, with kw slack at the end: the last run reads up to kw - 1 past its plane
  // (those taps meet zero columns of the widened dy).
  const padded = scratchF32(ci * n * plane + kw);
  padded.fill(0);
  const xv = f32View(backend, x);
  // Contiguous writes, reads strided by ci: one pass per channel plane.
  const x0 = Math.max(0, -left);
  const x1 = Math.min(w, wp - left);
  for (let c = 0; c < ci; c++) {
    for (let b = 0; b < n; b++) {
      for (let iy = 0; iy < h; iy++) {
        const py = iy + top;
        if (py < 0 || py >= hp) continue;
        const src = (b * h + iy) * w * ci + c;
        const dst = (c * n + b) * plane + py * wp + left;
        for (let ix = x0; ix < x1; ix++) padded[dst + ix] = xv[src + ix * ci];
      }
    }
  }
  // Whole images per chunk: dy block within CHUNK_BYTES, but at least MIN_CHUNK_COLS columns so
  // that small late-stage maps do not become many tiny products.
  const imagesPerChunk = Math.max(
    1,
    Math.floor(CHUNK_BYTES / (run * co * 4)),
    Math.ceil(MIN_CHUNK_COLS / run),
  );
  const acc = new Float64Array(rows * co);
  const rowLen = ow * co;
  for (let b0 = 0; b0 < n; b0 += imagesPerChunk) {
    const images = Math.min(imagesPerChunk, n - b0);
    const cols = images * run;
    const patches = makeF32Output(backend, [1, rows, cols]);
    const dyWide = makeF32Output(backend, [1, cols, co]);
    const out = f32View(backend, patches);
    for (let r = 0; r < rows; r++) {
      const ky = Math.floor(r / (kw * ci));
      const kx = Math.floor(r / ci) % kw;
      const c = r % ci;
      for (let i = 0; i < images; i++) {
        const src = (c * n + b0 + i) * plane + ky * wp + kx;
        out.set(padded.subarray(src, src + run), r * cols + i * run);
      }
    }
    const g = f32View(backend, dy);
    const gw = f32View(backend, dyWide);
    for (let r = 0; r < images * oh; r++) {
      const dst = r * wp * co;
      const src = (b0 * oh + r) * rowLen;
      gw.set(g.subarray(src, src + rowLen), dst);
      gw.fill(0, dst + rowLen, dst + wp * co);
    }
    const part = runUpstreamKernel(
      "BatchMatMul",
      { a: patches, b: dyWide },
      { transposeA: false, transposeB: false },
      backend,
    );
    disposeInfo(backend, patches);
    disposeInfo(backend, dyWide);
    const pv = f32View(backend, part);
    for (let j = 0; j < acc.length; j++) acc[j] += pv[j];
    disposeInfo(backend, part);
  }
  const result = makeF32Output(backend, filterShape);
  f32View(backend, result).set(acc);
  return result;
}

/** Any stride: transposed im2col gathered tap by tap. */
function filterGradStrided(
  backend: unknown,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo {
  const [kh, kw, ci] = filterShape;
  const cols = info.batchSize * info.outHeight * info.outWidth;
  const patches = makeF32Output(backend, [1, kh * kw * ci, cols]);
  const planar = scratchF32(x.shape[0] * x.shape[1] * x.shape[2] * ci);
  transpose2d(f32View(backend, x), planar.length / ci, ci, planar);
  writeTransposedPatches(planar, f32View(backend, patches), info, kh, kw);
  return patchProduct(backend, patches, dy, filterShape);
}
/**
 * Fills `out` [kh*kw*ci, n*oh*ow] with the input taps of every output position; `planar` is the
 * input as [ci, n, h, w]. Taps that fall in the padding are zero.
 */
export function writeTransposedPatches(
  planar: Float32Array,
  out: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  kh: number,
  kw: number,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const cols = n * oh * ow;
  const plane = n * h * w;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      // Output columns whose tap kx lands inside the input: ox*sw + kx - left in [0, w).
      const xFirst = Math.max(0, Math.ceil((left - kx) / sw));
      const xEnd = Math.min(ow, Math.floor((w - 1 + left - kx) / sw) + 1);
      for (let c = 0; c < ci; c++) {
        const rowBase = ((ky * kw + kx) * ci + c) * cols;
        const planeBase = c * plane;
        for (let b = 0; b < n; b++) {
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * sh + ky - top;
            const dst = rowBase + (b * oh + oy) * ow;
            if (iy < 0 || iy >= h || xEnd <= xFirst) {
              out.fill(0, dst, dst + ow);
              continue;
            }
            const src = planeBase + (b * h + iy) * w + kx - left;
            out.fill(0, dst, dst + xFirst);
            if (sw === 1) {
              out.set(planar.subarray(src + xFirst, src + xEnd), dst + xFirst);
            } else {
              for (let ox = xFirst; ox < xEnd; ox++) out[dst + ox] = planar[src + ox * sw];
            }
            out.fill(0, dst + xEnd, dst + ow);
          }
        }
      }
    }
  }
}
