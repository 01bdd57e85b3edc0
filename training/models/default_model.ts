/**
 * fer-edge's default model: a compact VGG-style network for 48x48 faces.
 *
 * Four stages of two 3x3 convolutions (batch-norm + ReLU) at 48, 24, 12 and 6 pixels with 2x2
 * max-pooling between them, channels doubling per stage (16/32/64/128 at width 1), then the 3x3x128
 * map is flattened into a 128-unit dense layer and the softmax. Why this shape:
 * - Plain 3x3 convolutions are what the wasm backend (XNNPACK) runs fastest per multiply-accumulate,
 *   forward and — with fer-edge's gradient kernels — backward, and they quantize well to uint8.
 * - Equal MACs per stage (~7.5M each, ~30M in all) spends compute evenly across scales; FER needs both
 *   fine texture (mouth corners, brows) and the layout of the face.
 * - Flattening the final 3x3 map (instead of global pooling) keeps where features are, which matters
 *   for expressions; the dense layer is the largest part of the ~0.3M parameters (~0.3 MB in uint8).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { convBlock, denseBlock, dropoutKeep, SeedSequence, softmaxHead } from "./layers.ts";
import type { ModelOptions } from "./spec.ts";
import { featureBranch } from "./feature_branch.ts";
import { FER_SIZE } from "../../src/face.ts";

/** Channels per stage at width 1. */
export const DEFAULT_STAGE_CHANNELS = [16, 32, 64, 128] as const;

/**
 * Builds the default model; `o.stageChannels` replaces the stages' channels and `o.width` scales
 * them and the dense layer (1 = shipped).
 */
export function buildDefaultModel(o: ModelOptions): tf.LayersModel {
  const seeds = new SeedSequence(o.seed);
  const width = o.width ?? 1;
  const image = tf.input({ shape: [FER_SIZE, FER_SIZE, 1], name: "image" });
  let x = image;
  for (const [stage, base] of (o.stageChannels ?? DEFAULT_STAGE_CHANNELS).entries()) {
    const filters = Math.max(4, Math.round(base * width));
    for (const part of [1, 2]) {
      x = convBlock(x, {
        filters,
        kernelSize: 3,
        batchNorm: o.batchNormConv,
        seeds,
        name: `s${stage + 1}_${part}`,
      });
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `s${stage + 1}_pool` }).apply(
      x,
    ) as tf.SymbolicTensor;
  }
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as tf.SymbolicTensor;
  x = dropoutKeep(x, o.keepProb, seeds, "flatten_dropout");
  x = denseBlock(x, Math.round(128 * width), o.batchNormDense, seeds, "fc1");
  x = dropoutKeep(x, o.keepProb, seeds, "fc1_dropout");
  if (!o.featureLength) {
    return tf.model({ inputs: image, outputs: softmaxHead(x, o.classes, seeds), name: "fer_edge" });
  }
  const features = tf.input({ shape: [o.featureLength], name: "features" });
  const merged = featureBranch(x, features, { hidden: 256, projection: 64 }, o, seeds);
  return tf.model({
    inputs: [image, features],
    outputs: softmaxHead(merged, o.classes, seeds),
    name: "fer_edge_features",
  });
}
