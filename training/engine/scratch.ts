/**
 * A reusable JS-side float buffer for kernels that need temporary space outside the wasm heap
 * (kernels run one at a time on a thread, so one buffer suffices).
 *
 * @module
 */

let buffer = new Float32Array(0);

/** A float buffer of at least `length` elements; its contents are unspecified. */
export function scratchF32(length: number): Float32Array {
  if (buffer.length < length) buffer = new Float32Array(Math.ceil(length * 1.25));
  return buffer.subarray(0, length);
}
