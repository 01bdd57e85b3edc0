/**
 * Direct access to the wasm backend's heap, for memory-bound kernels written as plain loops over
 * typed-array views (cheaper than composing several XNNPACK/op calls), and calls into wasm's own
 * kernels from inside another kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** The subset of tfjs-backend-wasm's `BackendWasm` that the heap kernels use. */
export interface WasmBackendHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Float32 view of a tensor's buffer. Views are invalidated when the wasm memory grows, so take them
 * only after every output of the kernel has been allocated.
 */
export function f32View(backend: unknown, info: tf.TensorInfo): Float32Array {
  if (info.dtype !== "float32") {
    throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  }
  return (backend as WasmBackendHeap).typedArrayFromHeap(info) as Float32Array;
}

/** Allocates an uninitialised float32 output tensor on the wasm heap. */
export function makeF32Output(backend: unknown, shape: number[]): tf.TensorInfo {
  return (backend as WasmBackendHeap).makeOutput(shape, "float32");
}

/** Frees a tensor that a kernel allocated for its own use. */
export function disposeInfo(backend: unknown, info: tf.TensorInfo): void {
  (backend as WasmBackendHeap).disposeData(info.dataId);
}

const upstream = new Map<string, tf.KernelFunc>();

/** Remembers tfjs-backend-wasm's own kernel `name` before fer-edge replaces it. */
export function captureUpstreamKernel(name: string): void {
  if (upstream.has(name)) return;
  const kernel = tf.getKernel(name, "wasm");
  if (kernel !== undefined) upstream.set(name, kernel.kernelFunc);
}

/** Runs tfjs-backend-wasm's own kernel `name` (as it was before fer-edge's install). */
export function runUpstreamKernel(
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
  backend: unknown,
): tf.TensorInfo {
  const kernelFunc = upstream.get(name) ?? tf.getKernel(name, "wasm")?.kernelFunc;
  if (kernelFunc === undefined) throw new Error(`wasm has no kernel '${name}'`);
  return kernelFunc({ inputs, attrs, backend: backend as tf.KernelBackend }) as tf.TensorInfo;
}

/** Writes the transpose of the row-major `rows` x `cols` matrix `src` into `dst`. */
export function transpose2d(
  src: Float32Array,
  rows: number,
  cols: number,
  dst: Float32Array,
): void {
  const block = 32;
  for (let r0 = 0; r0 < rows; r0 += block) {
    const r1 = Math.min(rows, r0 + block);
    for (let c0 = 0; c0 < cols; c0 += block) {
      const c1 = Math.min(cols, c0 + block);
      for (let r = r0; r < r1; r++) {
        const rowBase = r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[rowBase + c];
      }
    }
  }
}
