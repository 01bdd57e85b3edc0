/**
 * The memory figures `/healthz` reports: live TensorFlow.js tensors, the wasm backend's heap and the
 * process's resident set. A leak shows as a figure that keeps growing across requests.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Memory in use, sampled now. */
export interface MemoryStats {
  /** Live tensors (`tf.memory().numTensors`). */
  numTensors: number;
  /**
   * Bytes of the tfjs wasm backend's linear memory; `null` on another backend. Wasm memory only
   * grows, so this is the high-water mark of what inference ever needed.
   */
  wasmHeapBytes: number | null;
  /** Resident set size of the process in bytes (`Deno.memoryUsage().rss`). */
  rssBytes: number;
}

/** The wasm module tfjs-backend-wasm keeps on its backend object. */
interface WasmBackendModule {
  wasm?: { HEAPU8?: Uint8Array };
}

/** Byte size of the active tfjs wasm backend's heap, or `null` when another backend is active. */
export function wasmHeapBytes(): number | null {
  if (tf.getBackend() !== "wasm") return null;
  const heap = (tf.backend() as unknown as WasmBackendModule).wasm?.HEAPU8;
  return heap ? heap.buffer.byteLength : null;
}

/**
 * Samples {@link MemoryStats}; cheap enough for every `/healthz` call.
 *
 * @example
 * ```ts
 * const { numTensors, rssBytes } = readMemoryStats();
 * ```
 */
export function readMemoryStats(): MemoryStats {
  return {
    numTensors: tf.memory().numTensors,
    wasmHeapBytes: wasmHeapBytes(),
    rssBytes: Deno.memoryUsage().rss,
  };
}
