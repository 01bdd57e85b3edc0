/**
 * A small model that uses every layer type the project trains (conv 3x3/4x4/5x5 at stride 1 and 2,
 * same/valid, depthwise and separable conv, batch-norm, relu, max/average/global pooling, dropout,
 * add, concatenate, dense + softmax), for the wasm training tests.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Input side of {@linkcode buildAllLayersModel}. */
export const ALL_LAYERS_INPUT = 16;

/** Builds the model on the active backend; `dropout` 0 makes it deterministic across backends. */
export function buildAllLayersModel(dropout = 0.3, seed = 1): tf.LayersModel {
  let s = seed;
  const init = () => tf.initializers.glorotUniform({ seed: s++ });
  type T = tf.SymbolicTensor;
  const inp = tf.input({ shape: [ALL_LAYERS_INPUT, ALL_LAYERS_INPUT, 1] });
  let x = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    kernelInitializer: init(),
  })
    .apply(inp) as T;
  x = tf.layers.batchNormalization().apply(x) as T;
  x = tf.layers.activation({ activation: "relu" }).apply(x) as T;
  const a = tf.layers.conv2d({
    filters: 4,
    kernelSize: 5,
    strides: 2,
    padding: "same",
    kernelInitializer: init(),
  }).apply(x) as T;
  const b = tf.layers.depthwiseConv2d({
    kernelSize: 3,
    strides: 2,
    padding: "same",
    depthwiseInitializer: init(),
  }).apply(x) as T;
  const sum = tf.layers.add().apply([a, b]) as T;
  const c = tf.layers.separableConv2d({
    filters: 6,
    kernelSize: 3,
    padding: "valid",
    depthwiseInitializer: init(),
    pointwiseInitializer: init(),
  }).apply(sum) as T;
  let d = tf.layers.conv2d({
    filters: 6,
    kernelSize: 4,
    padding: "valid",
    activation: "relu",
    kernelInitializer: init(),
  }).apply(sum) as T;
  d = tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(d) as T;
  let y = tf.layers.concatenate().apply([c, d]) as T;
  y = tf.layers.maxPooling2d({ poolSize: 2 }).apply(y) as T;
  y = tf.layers.averagePooling2d({ poolSize: 2, strides: 1 }).apply(y) as T;
  if (dropout > 0) y = tf.layers.dropout({ rate: dropout }).apply(y) as T;
  const gAvg = tf.layers.globalAveragePooling2d({}).apply(y) as T;
  const gMax = tf.layers.globalMaxPooling2d({}).apply(y) as T;
  let z = tf.layers.concatenate().apply([gAvg, gMax]) as T;
  z = tf.layers.dense({ units: 7, activation: "softmax", kernelInitializer: init() }).apply(z) as T;
  return tf.model({ inputs: inp, outputs: z });
}

/** A fixed seeded batch of `n` inputs and one-hot labels for {@linkcode buildAllLayersModel}. */
export function allLayersBatch(n: number, values: Float32Array): { xs: tf.Tensor; ys: tf.Tensor } {
  const xs = tf.tensor4d(values, [n, ALL_LAYERS_INPUT, ALL_LAYERS_INPUT, 1]);
  const labels = Array.from({ length: n }, (_, i) => i % 7);
  const ys = tf.oneHot(tf.tensor1d(labels, "int32"), 7);
  return { xs, ys };
}
