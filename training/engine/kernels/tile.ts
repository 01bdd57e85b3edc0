/**
 * `Tile` for wasm by block copies (tfjs-backend-wasm's kernel is an element-by-element loop, and
 * batch-norm gradients tile per-channel vectors up to activation size).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { f32View, makeF32Output, runUpstreamKernel } from "../wasm_heap.ts";

/** Kernel function for `Tile` (float32; other dtypes go to the upstream kernel). */
export const tile: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const reps = (attrs as { reps: number[] }).reps;
  if (x.dtype !== "float32") {
    return runUpstreamKernel("Tile", inputs as tf.NamedTensorInfoMap, attrs!, backend);
  }
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = makeF32Output(backend, outShape);
  tileInto(f32View(backend, x), x.shape, reps, f32View(backend, out));
  return out;
};

/** Writes `src` (of `shape`) tiled by `reps` into `dst`, one axis at a time from the last. */
export function tileInto(
  src: Float32Array,
  shape: number[],
  reps: number[],
  dst: Float32Array,
): void {
  const rank = shape.length;
  // Expand src into dst's layout with the untiled sizes, then repeat along each axis in place:
  // after the pass for axis k, every block of dims [k..] is complete.
  let cur = src;
  const curShape = shape.slice();
  const axes = [...Array(rank).keys()].filter((k) => reps[k] !== 1).reverse();
  if (axes.length === 0) {
    dst.set(src);
    return;
  }
  for (const [i, k] of axes.entries()) {
    const outer = curShape.slice(0, k).reduce((a, b) => a * b, 1);
    const block = curShape.slice(k).reduce((a, b) => a * b, 1);
    const r = reps[k];
    const next = i === axes.length - 1 ? dst : new Float32Array(outer * block * r);
    for (let o = 0; o < outer; o++) {
      const from = o * block;
      const to = o * block * r;
      if (block >= 16) {
        const piece = cur.subarray(from, from + block);
        for (let j = 0; j < r; j++) next.set(piece, to + j * block);
      } else {
        for (let j = 0; j < r; j++) {
          const base = to + j * block;
          for (let e = 0; e < block; e++) next[base + e] = cur[from + e];
        }
      }
    }
    cur = next;
    curShape[k] *= r;
  }
}
