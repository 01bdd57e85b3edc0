/**
 * Test helpers for the wasm training kernels: seeded random inputs, running one kernel on a named
 * backend, and the relative error between two results.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { installWasmTrainingKernels, useWasmBackend } from "../../../training/engine/mod.ts";
import { Rng } from "../../../training/rng.ts";

/** Activates wasm with fer-edge's training kernels (the cpu backend stays registered). */
export async function setupWasmTraining(): Promise<void> {
  await useWasmBackend();
  installWasmTrainingKernels();
}

/** Seeded uniform values in [-1, 1) (the project's mulberry32, `training/rng.ts`). */
export function seededValues(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count }, () => rng.next() * 2 - 1);
}

/** Input of a kernel run: values and shape, materialised fresh on each backend. */
export interface KernelInput {
  values: Float32Array;
  shape: number[];
}

/** Runs kernel `name` on `backend` and returns the output values and shape (wasm stays active). */
export async function runKernelOn(
  backend: "cpu" | "wasm",
  name: string,
  inputs: Record<string, KernelInput>,
  attrs: Record<string, unknown>,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  try {
    const tensors: Record<string, tf.Tensor> = {};
    for (const [key, input] of Object.entries(inputs)) {
      tensors[key] = tf.tensor(input.values, input.shape, "float32");
    }
    const out = tf.engine().runKernel(name, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    const values = (await out.data()) as Float32Array;
    const shape = out.shape;
    tf.dispose([out, ...Object.values(tensors)]);
    return { values, shape };
  } finally {
    await tf.setBackend("wasm");
  }
}

/** max |a - b| / max |b|: the error relative to the reference tensor's scale. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) {
    throw new Error(`length mismatch: ${actual.length} vs ${expected.length}`);
  }
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}
