/**
 * Messages between {@linkcode DataParallelTrainer} and its worker.
 *
 * @module
 */

/** A tensor as plain data. */
export interface TensorData {
  values: Float32Array;
  shape: number[];
}

/** Main thread to worker. */
export type WorkerRequest =
  | {
    type: "init";
    topology: unknown;
    /** Leading layers that do not train (`freeze.ts`). */
    frozenLayers: number;
    /** Their weights' values, in `frozenWeights` order. */
    frozenValues: Float32Array[];
  }
  | { type: "step"; weights: Float32Array[]; inputs: TensorData[]; targets: TensorData };

/** Worker's answer to a step. */
export interface ShardReply {
  type: "grads";
  loss: number;
  accuracy: number;
  grads: Float32Array[];
}

/** Worker to main thread. */
export type WorkerReply = ShardReply | { type: "ready" } | { type: "error"; message: string };
