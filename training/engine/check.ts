/**
 * Answers "would this model train on wasm without any cpu fallback?" by running one real training
 * step under `tf.profile` and listing the kernels it ran and any that wasm lacks.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Outcome of {@linkcode checkWasmTraining}. */
export interface WasmTrainingCheck {
  /** True when the step ran entirely on wasm kernels. */
  ok: boolean;
  /** Kernels the step needed that are not registered on wasm (the first failure stops the step). */
  missing: string[];
  /** Distinct kernel names the step ran, sorted. */
  kernels: string[];
  /** The error that stopped the step, if any. */
  error?: string;
}

const MISSING = /Kernel '([^']+)' not registered for backend 'wasm'/;

/**
 * Runs `model.trainOnBatch(xs, ys)` once on the active `wasm` backend and reports missing kernels.
 * The model's weights are restored afterwards; its optimizer state advances by one step. The model
 * must be compiled.
 */
export async function checkWasmTraining(
  model: tf.LayersModel,
  xs: tf.Tensor,
  ys: tf.Tensor,
): Promise<WasmTrainingCheck> {
  if (tf.getBackend() !== "wasm") {
    throw new Error(`checkWasmTraining needs the wasm backend active, got '${tf.getBackend()}'`);
  }
  const saved = model.getWeights().map((w) => w.clone());
  const kernels = new Set<string>();
  try {
    const info = await tf.profile(() => model.trainOnBatch(xs, ys));
    // Names ending in "__op" are tfjs custom-gradient wrappers (e.g. fusedConv2d__op), not kernels.
    for (const name of info.kernelNames) if (!name.endsWith("__op")) kernels.add(name);
    const missing = [...kernels].filter((k) => tf.getKernel(k, "wasm") === undefined);
    return { ok: missing.length === 0, missing, kernels: [...kernels].sort() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const match = MISSING.exec(message);
    return {
      ok: false,
      missing: match ? [match[1]] : [],
      kernels: [...kernels].sort(),
      error: message,
    };
  } finally {
    model.setWeights(saved);
    tf.dispose(saved);
  }
}
