/**
 * The reference net for training speed: three conv 3x3 blocks (32/64/128 filters, each with
 * batch-norm, relu and 2x2 max-pool) and a dense softmax over 7 classes; about 125k parameters.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Builds the reference net for 48x48x1 inputs on the active backend. */
export function buildReferenceNet(seed = 1): tf.LayersModel {
  const model = tf.sequential();
  let s = seed;
  for (const [i, filters] of [32, 64, 128].entries()) {
    model.add(tf.layers.conv2d({
      ...(i === 0 ? { inputShape: [48, 48, 1] } : {}),
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: s++ }),
    }));
    model.add(tf.layers.batchNormalization());
    model.add(tf.layers.activation({ activation: "relu" }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({
    units: 7,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: s++ }),
  }));
  return model;
}
