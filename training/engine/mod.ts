/**
 * fer-edge's training engine: gradient kernels that make the TensorFlow.js `wasm` backend able to
 * train the project's models, and a check that a model trains on wasm without missing kernels.
 *
 * ```ts
 * await useWasmBackend();
 * installWasmTrainingKernels();
 * ```
 *
 * @module
 */
export { useWasmBackend, wasmDistUrl } from "../../src/backend.ts";
export { installWasmTrainingKernels, WASM_TRAINING_KERNELS } from "./install.ts";
export { checkWasmTraining, type WasmTrainingCheck } from "./check.ts";
export { DataParallelTrainer } from "./data_parallel.ts";
