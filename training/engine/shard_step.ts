/**
 * One data-parallel shard step shared by the main thread and the worker: loss, accuracy and the
 * gradients of a model's trainable weights on a slice of the batch (categorical cross-entropy, as
 * `model.compile({ loss: "categoricalCrossentropy" })` defines it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Gradients (in `model.trainableWeights` order) with the shard's mean loss and accuracy. */
export interface ShardResult {
  loss: number;
  accuracy: number;
  grads: tf.Tensor[];
}

/** Runs forward (training mode, updating batch-norm statistics) and backward on one shard. */
export function shardGradients(
  model: tf.LayersModel,
  inputs: tf.Tensor[],
  targets: tf.Tensor,
): { loss: tf.Scalar; accuracy: tf.Scalar; grads: tf.Tensor[] } {
  const variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  let accuracy: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const output = model.apply(inputs.length === 1 ? inputs[0] : inputs, {
      training: true,
    }) as tf.Tensor;
    accuracy = tf.keep(
      tf.tidy(() => output.argMax(-1).equal(targets.argMax(-1)).toFloat().mean() as tf.Scalar),
    );
    return tf.metrics.categoricalCrossentropy(targets, output).mean() as tf.Scalar;
  }, variables);
  return { loss: value, accuracy: accuracy!, grads: variables.map((v) => grads[v.name]) };
}
