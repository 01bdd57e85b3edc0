/**
 * Worker side of {@linkcode DataParallelTrainer}: holds a replica of the model on its own wasm
 * backend and returns gradients for the shards the main thread sends.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../src/backend.ts";
import { installWasmTrainingKernels } from "./install.ts";
import { shardGradients } from "./shard_step.ts";
import { frozenWeights, trainedWeights } from "./freeze.ts";
import type { ShardReply, WorkerReply, WorkerRequest } from "./data_parallel_protocol.ts";

/** The worker global scope, typed for the messages this worker sends and receives. */
const scope = self as unknown as {
  postMessage(message: WorkerReply, transfer?: ArrayBuffer[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};

let model: tf.LayersModel | undefined;
let frozen = 0;

async function handle(request: WorkerRequest): Promise<void> {
  if (request.type === "init") {
    await useWasmBackend();
    installWasmTrainingKernels();
    model = await tf.models.modelFromJSON({
      modelTopology: request.topology as tf.io.ModelJSON["modelTopology"],
    } as tf.io.ModelJSON);
    // Frozen layers never change, so their weights come once, here.
    frozen = request.frozenLayers;
    frozenWeights(model, frozen).forEach((w, i) => {
      const value = tf.tensor(request.frozenValues[i], w.shape as number[]);
      w.write(value);
      value.dispose();
    });
    scope.postMessage({ type: "ready" });
    return;
  }
  if (model === undefined) throw new Error("data-parallel worker got a step before init");
  const m = model;
  trainedWeights(m, frozen).forEach((w, i) => {
    const value = tf.tensor(request.weights[i], w.shape as number[]);
    w.write(value);
    value.dispose();
  });
  const inputs = request.inputs.map((t) => tf.tensor(t.values, t.shape));
  const targets = tf.tensor(request.targets.values, request.targets.shape);
  const result = shardGradients(m, inputs, targets, frozen);
  const grads = result.grads.map((g) => g.dataSync() as Float32Array);
  const reply: ShardReply = {
    type: "grads",
    loss: result.loss.dataSync()[0],
    accuracy: result.accuracy.dataSync()[0],
    grads,
  };
  tf.dispose([...inputs, targets, result.loss, result.accuracy, ...result.grads]);
  scope.postMessage(reply, grads.map((g) => g.buffer as ArrayBuffer));
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error) => {
    scope.postMessage({
      type: "error",
      message: error instanceof Error ? (error.stack ?? error.message) : `${error}`,
    });
  });
};
