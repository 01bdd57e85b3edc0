/**
 * Freezing the first convolutions of a chain-shaped model (`--freeze-convs N`): those layers keep
 * their weights and run in inference mode while the rest trains. A model fine-tuned this way
 * computes exactly what its starting model computes up to that point, so a model set of the two
 * runs that part once per face (`src/classifier/shared_trunk.ts`) instead of once per member.
 *
 * The layers' `trainable` flags are left alone on purpose: TensorFlow.js lists the weights of a
 * non-trainable layer after all trainable ones, so flipping a flag would reorder `getWeights()`
 * and break every weight copy by position (checkpoints, `--init-from`, exported models). The
 * trainers take the number of frozen leading layers instead. And batch normalization moves its
 * averages whenever it is called with `training: true`, whatever its flag says; the frozen part is
 * therefore called with `training: false`, as Keras does for a frozen batch norm.
 *
 * @example
 * ```ts
 * const frozen = frozenPrefixLength(model, 4); // layers up to the 4th convolution's pooling
 * const trainer = await DataParallelTrainer.create(model, optimizer, frozen);
 * // or on one thread: trainOnBatchHere(model, optimizer, inputs, targets, frozen)
 * ```
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { chainLayers } from "../../src/classifier/fold.ts";

/**
 * How many leading layers (the input layer included, where `model.layers` lists one) hold the
 * first `convs` convolutions with what follows each of them up to the next convolution or the
 * flatten: batch norm, activation, pooling. 0 for `convs` 0; throws when `model` is not a chain or
 * has fewer convolutions.
 */
export function frozenPrefixLength(model: tf.LayersModel, convs: number): number {
  if (convs === 0) return 0;
  const layers = chainLayers(model);
  if (!layers) {
    throw new Error("freezeConvs needs a chain-shaped model (no feature inputs or branches)");
  }
  let seen = 0;
  for (let i = 0; i < layers.length; i++) {
    const name = layers[i].getClassName();
    const boundary = name === "Conv2D" || name === "Flatten" || name === "Dense" ||
      name === "GlobalAveragePooling2D";
    if (boundary && seen === convs) return i;
    if (name === "Conv2D") seen++;
    else if (boundary) break;
  }
  throw new Error(`freezeConvs ${convs}: the model has only ${seen} convolutions before its head`);
}

/** Every weight of the first `frozen` layers (batch-norm averages included), in layer order. */
export function frozenWeights(model: tf.LayersModel, frozen: number): tf.LayerVariable[] {
  return model.layers.slice(0, frozen).flatMap((layer) => layer.weights);
}

/** The weights a step updates: `model.trainableWeights` without those of the first `frozen` layers. */
export function trainedWeights(model: tf.LayersModel, frozen: number): tf.LayerVariable[] {
  if (frozen === 0) return model.trainableWeights;
  const fixed = new Set(frozenWeights(model, frozen));
  return model.trainableWeights.filter((w) => !fixed.has(w));
}

/**
 * The model's output in training mode, with its first `frozen` layers in inference mode (see
 * {@link frozenPrefixLength}). With none frozen this is `model.apply(x, { training: true })`.
 */
export function trainingForward(
  model: tf.LayersModel,
  inputs: tf.Tensor[],
  frozen = 0,
): tf.Tensor {
  if (frozen === 0) {
    return model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: true }) as tf.Tensor;
  }
  const layers = chainLayers(model);
  if (!layers || inputs.length !== 1) {
    throw new Error("a model with frozen layers must be a chain with one input");
  }
  let x = inputs[0];
  layers.forEach((layer, i) => {
    if (layer.getClassName() !== "InputLayer") {
      x = layer.apply(x, { training: i >= frozen }) as tf.Tensor;
    }
  });
  return x;
}
