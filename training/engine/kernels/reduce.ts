/**
 * `Sum` and `Mean` over leading axes for wasm (per-channel reductions of NHWC activations in the
 * batch-norm and bias gradients). tfjs-backend-wasm transposes the whole tensor first so the
 * reduced axes are innermost; summing rows directly avoids that copy. Accumulates in float64.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { f32View, makeF32Output, runUpstreamKernel } from "../wasm_heap.ts";

/** Reduced axes as sorted non-negative indices. */
function normaliseAxes(axis: number | number[] | undefined, rank: number): number[] {
  const list = axis === undefined || axis === null
    ? [...Array(rank).keys()]
    : Array.isArray(axis)
    ? axis
    : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

function reduceLeading(name: "Sum" | "Mean"): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as { axis?: number | number[]; keepDims?: boolean };
    const rank = x.shape.length;
    const axes = normaliseAxes(axis, rank);
    const leading = axes.every((a, i) => a === i) && axes.length < rank && axes.length > 0;
    if (x.dtype !== "float32" || !leading) {
      return runUpstreamKernel(name, inputs as tf.NamedTensorInfoMap, attrs!, backend);
    }
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const keptShape = x.shape.slice(axes.length);
    const cols = keptShape.reduce((a, b) => a * b, 1);
    const outShape = keepDims ? [...axes.map(() => 1), ...keptShape] : keptShape;
    const out = makeF32Output(backend, outShape);
    const src = f32View(backend, x);
    const acc = new Float64Array(cols);
    // Four rows per pass: a quarter of the accumulator traffic.
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      const b0 = r * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      for (let c = 0; c < cols; c++) {
        acc[c] += (src[b0 + c] + src[b1 + c]) + (src[b2 + c] + src[b3 + c]);
      }
    }
    for (; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) acc[c] += src[base + c];
    }
    const scale = name === "Mean" && rows > 0 ? 1 / rows : 1;
    const dst = f32View(backend, out);
    for (let c = 0; c < cols; c++) dst[c] = acc[c] * scale;
    return out;
  };
}

/** Kernel function for `Sum` (leading-axes fast path). */
export const sum: tf.KernelFunc = reduceLeading("Sum");

/** Kernel function for `Mean` (leading-axes fast path). */
export const mean: tf.KernelFunc = reduceLeading("Mean");
