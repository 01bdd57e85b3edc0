/**
 * `BatchMatMul` for wasm with transposed operands: tfjs-backend-wasm's XNNPACK path is about 10x
 * slower when `transposeA`/`transposeB` is set (dense-layer gradients), so the operand is
 * transposed explicitly first.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import {
  disposeInfo,
  f32View,
  makeF32Output,
  runUpstreamKernel,
  transpose2d,
} from "../wasm_heap.ts";

/** Copy of `m` with its two innermost axes swapped, on the wasm heap. */
function transposeInner(backend: unknown, m: tf.TensorInfo): tf.TensorInfo {
  const rank = m.shape.length;
  const rows = m.shape[rank - 2];
  const cols = m.shape[rank - 1];
  const shape = [...m.shape.slice(0, rank - 2), cols, rows];
  const out = makeF32Output(backend, shape);
  const src = f32View(backend, m);
  const dst = f32View(backend, out);
  const size = rows * cols;
  for (let o = 0; o < src.length; o += size) {
    transpose2d(src.subarray(o, o + size), rows, cols, dst.subarray(o, o + size));
  }
  return out;
}

/** Kernel function for `BatchMatMul`. */
export const batchMatMul: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if ((!transposeA && !transposeB) || a.dtype !== "float32" || b.dtype !== "float32") {
    return runUpstreamKernel("BatchMatMul", inputs as tf.NamedTensorInfoMap, attrs!, backend);
  }
  const a2 = transposeA ? transposeInner(backend, a) : a;
  const b2 = transposeB ? transposeInner(backend, b) : b;
  const out = runUpstreamKernel(
    "BatchMatMul",
    { a: a2, b: b2 },
    { transposeA: false, transposeB: false },
    backend,
  );
  if (transposeA) disposeInfo(backend, a2);
  if (transposeB) disposeInfo(backend, b2);
  return out;
};
