/**
 * Backend selection for training: the `wasm` backend with fer-edge's gradient kernels, or — only
 * when wasm cannot start — the `cpu` backend with a warning.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../src/backend.ts";

/** Selects the training backend and returns its name. */
export async function setupTrainingBackend(): Promise<string> {
  try {
    await useWasmBackend();
    const engine = await import("./engine/mod.ts");
    engine.installWasmTrainingKernels();
    return "wasm";
  } catch (error) {
    console.error(
      `warning: the wasm training backend is unavailable (${
        error instanceof Error ? error.message : error
      }); training on the much slower cpu backend`,
    );
    await tf.setBackend("cpu");
    await tf.ready();
    return "cpu";
  }
}
