/**
 * `Conv2DBackpropInput` for convolutions with few input channels (the first layer of an image
 * model): one XNNPACK product dPatches = dy [n*oh*ow, co] x W^T [co, kh*kw*ci] and a col2im
 * scatter-add. The correlation route would run XNNPACK with 1-3 output channels, which wastes most
 * of its register tile; wider layers take that route (`conv2d_backprop_input.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertChannelsLast } from "../conv_geometry.ts";
import { opKernelFunc } from "../op_kernel.ts";
import {
  disposeInfo,
  f32View,
  makeF32Output,
  runUpstreamKernel,
  transpose2d,
} from "../wasm_heap.ts";
import { conv2DBackpropInput as viaCorrelation } from "./conv2d_backprop_input.ts";

/** Input channels up to which the product + col2im route is used. */
export const NARROW_INPUT_CHANNELS = 4;

const correlationKernel = opKernelFunc(viaCorrelation);

/** Kernel function for `Conv2DBackpropInput` (inputs dy, filter; NHWC). */
export const conv2DBackpropInput: tf.KernelFunc = (args) => {
  const { inputs, attrs, backend } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as Record<string, unknown>;
  assertChannelsLast(a.dataFormat, "Conv2DBackpropInput");
  const [kh, kw, ci, co] = filter.shape;
  if (ci > NARROW_INPUT_CHANNELS) return correlationKernel(args);
  const inputShape = a.inputShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    a.strides as [number, number],
    1,
    a.pad as "same" | "valid",
    a.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
  const taps = kh * kw * ci;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const filterT = makeF32Output(backend, [1, co, taps]);
  transpose2d(f32View(backend, filter), taps, co, f32View(backend, filterT));
  const patchGrads = runUpstreamKernel(
    "BatchMatMul",
    { a: { dataId: dy.dataId, shape: [1, positions, co], dtype: "float32" }, b: filterT },
    { transposeA: false, transposeB: false },
    backend,
  );
  disposeInfo(backend, filterT);
  const out = makeF32Output(backend, inputShape);
  scatterPatches(f32View(backend, patchGrads), f32View(backend, out), info, kh, kw);
  disposeInfo(backend, patchGrads);
  return out;
};

/** dx[n, y*s+a-top, x*s+b-left, c] += dP[(n,y,x), (a,b,c)] over taps inside the input. */
function scatterPatches(
  patchGrads: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  kh: number,
  kw: number,
): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const taps = kh * kw * ci;
  dx.fill(0);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const src = ((b * oh + oy) * ow + ox) * taps;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky - top;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx - left;
            if (ix < 0 || ix >= w) continue;
            const dst = ((b * h + iy) * w + ix) * ci;
            const tap = src + (ky * kw + kx) * ci;
            for (let c = 0; c < ci; c++) dx[dst + c] += patchGrads[tap + c];
          }
        }
      }
    }
  }
}
