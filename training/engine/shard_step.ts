/**
 * One data-parallel shard step shared by the main thread and the worker: loss, accuracy and the
 * gradients of a model's trainable weights on a slice of the batch (categorical cross-entropy, as
 * `model.compile({ loss: "categoricalCrossentropy" })` defines it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { trainedWeights, trainingForward } from "./freeze.ts";

/** Gradients (in {@link trainedWeights} order) with the shard's mean loss and accuracy. */
export interface ShardResult {
  loss: number;
  accuracy: number;
  grads: tf.Tensor[];
}

/**
 * Runs forward (training mode, updating batch-norm statistics; the first `frozen` layers in
 * inference mode, see `freeze.ts`) and backward on one shard, for the weights that train.
 */
export function shardGradients(
  model: tf.LayersModel,
  inputs: tf.Tensor[],
  targets: tf.Tensor,
  frozen = 0,
): { loss: tf.Scalar; accuracy: tf.Scalar; grads: tf.Tensor[] } {
  const variables = trainedWeights(model, frozen).map((w) =>
    (w as unknown as { val: tf.Variable }).val
  );
  let accuracy: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const output = trainingForward(model, inputs, frozen);
    accuracy = tf.keep(
      tf.tidy(() => output.argMax(-1).equal(targets.argMax(-1)).toFloat().mean() as tf.Scalar),
    );
    return tf.metrics.categoricalCrossentropy(targets, output).mean() as tf.Scalar;
  }, variables);
  return { loss: value, accuracy: accuracy!, grads: variables.map((v) => grads[v.name]) };
}

/**
 * One optimizer step on the whole batch on this thread, as `model.trainOnBatch` takes it but with
 * {@link shardGradients}' forward and weights: what a one-thread run with `frozen` leading layers
 * uses, since `trainOnBatch` would train those layers. Returns `[loss, accuracy]`.
 */
export function trainOnBatchHere(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: tf.Tensor[],
  targets: tf.Tensor,
  frozen: number,
): [number, number] {
  const { loss, accuracy, grads } = shardGradients(model, inputs, targets, frozen);
  const named: tf.NamedTensorMap = {};
  trainedWeights(model, frozen).forEach((w, i) => {
    named[(w as unknown as { val: tf.Variable }).val.name] = grads[i];
  });
  optimizer.applyGradients(named);
  const result: [number, number] = [loss.dataSync()[0], accuracy.dataSync()[0]];
  tf.dispose([loss, accuracy, ...grads]);
  return result;
}
