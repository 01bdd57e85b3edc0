/**
 * Direct access to the wasm backend's heap, for memory-bound kernels written as plain loops over
 * typed-array views (cheaper than composing several XNNPACK/op calls).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The subset of tfjs-backend-wasm's `BackendWasm` that the heap kernels use. */
export interface WasmBackendHeap {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
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
