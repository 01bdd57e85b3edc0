/**
 * Small building blocks shared by the model definitions: seeded initialisers and the
 * conv -> [batch-norm] -> activation pattern the seed's TFLearn models repeat.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A deterministic stream of initialiser seeds, so the same config builds the same weights. */
export class SeedSequence {
  #next: number;
  /** Starts the sequence at `seed`. */
  constructor(seed: number) {
    this.#next = seed;
  }
  /** The next seed. */
  next(): number {
    return this.#next++;
  }
}

/** Options of {@link convBlock}. */
export interface ConvBlockOptions {
  /** Output channels. */
  filters: number;
  /** Square kernel size. */
  kernelSize: number;
  /** Stride (default 1). */
  strides?: number;
  /** Batch-normalise the convolution's output before the activation. */
  batchNorm: boolean;
  /** Seeds for the initialisers. */
  seeds: SeedSequence;
  /** Layer name prefix. */
  name: string;
  /**
   * `seed`: conv with bias and ReLU, then BN — TFLearn's `conv_2d(activation=relu)` followed by
   * `batch_normalization`, as the seed's models do. `modern` (default): conv without bias, BN, ReLU.
   */
  order?: "seed" | "modern";
}

/**
 * A "same"-padded convolution with batch-norm and ReLU in one of two orders. In the `modern` order
 * with batch-norm the convolution has no bias (BN's beta replaces it) and the activation follows BN,
 * which trains faster and quantizes more evenly.
 */
export function convBlock(x: tf.SymbolicTensor, o: ConvBlockOptions): tf.SymbolicTensor {
  if (o.order === "seed") {
    const y = tf.layers.conv2d({
      filters: o.filters,
      kernelSize: o.kernelSize,
      strides: o.strides ?? 1,
      padding: "same",
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: o.seeds.next() }),
      name: `${o.name}_conv`,
    }).apply(x) as tf.SymbolicTensor;
    if (!o.batchNorm) return y;
    return tf.layers.batchNormalization({ name: `${o.name}_bn` }).apply(y) as tf.SymbolicTensor;
  }
  let y = tf.layers.conv2d({
    filters: o.filters,
    kernelSize: o.kernelSize,
    strides: o.strides ?? 1,
    padding: "same",
    useBias: !o.batchNorm,
    activation: o.batchNorm ? "linear" : "relu",
    kernelInitializer: tf.initializers.heNormal({ seed: o.seeds.next() }),
    name: `${o.name}_conv`,
  }).apply(x) as tf.SymbolicTensor;
  if (o.batchNorm) {
    y = tf.layers.batchNormalization({ name: `${o.name}_bn` }).apply(y) as tf.SymbolicTensor;
    y = tf.layers.activation({ activation: "relu", name: `${o.name}_relu` }).apply(
      y,
    ) as tf.SymbolicTensor;
  }
  return y;
}

/** `dense -> [BN] -> relu` (the seed's fully_connected + optional batch_normalization). */
export function denseBlock(
  x: tf.SymbolicTensor,
  units: number,
  batchNorm: boolean,
  seeds: SeedSequence,
  name: string,
): tf.SymbolicTensor {
  let y = tf.layers.dense({
    units,
    activation: "relu",
    kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }),
    name: `${name}_dense`,
  }).apply(x) as tf.SymbolicTensor;
  if (batchNorm) {
    y = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
  }
  return y;
}

/** The seed's `max_pool_2d(x, 3, strides=2)` (TFLearn pads "same" by default). */
export function maxPool3s2(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same", name }).apply(
    x,
  ) as tf.SymbolicTensor;
}

/** Dropout with a keep probability, as the seed configures it. */
export function dropoutKeep(
  x: tf.SymbolicTensor,
  keepProb: number,
  seeds: SeedSequence,
  name: string,
): tf.SymbolicTensor {
  if (keepProb >= 1) return x;
  return tf.layers.dropout({ rate: 1 - keepProb, seed: seeds.next(), name }).apply(
    x,
  ) as tf.SymbolicTensor;
}

/** The softmax classifier head. */
export function softmaxHead(
  x: tf.SymbolicTensor,
  classes: number,
  seeds: SeedSequence,
): tf.SymbolicTensor {
  return tf.layers.dense({
    units: classes,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
    name: "predictions",
  }).apply(x) as tf.SymbolicTensor;
}
