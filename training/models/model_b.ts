/**
 * The seed's "Model B" (TFLearn): three convolutions 64/128/256 @3x3 each followed by 3/2
 * max-pooling, dropout, dense 4096, dropout, dense 1024, and an optional feature branch
 * (dense 1024 -> dense 128) merged with a dense-128 projection of the image branch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  convBlock,
  denseBlock,
  dropoutKeep,
  maxPool3s2,
  SeedSequence,
  softmaxHead,
} from "./layers.ts";
import type { ModelOptions } from "./spec.ts";
import { featureBranch } from "./feature_branch.ts";
import { FER_SIZE } from "../../src/face.ts";

/** Builds Model B exactly as the seed defines it. */
export function buildModelB(o: ModelOptions): tf.LayersModel {
  const seeds = new SeedSequence(o.seed);
  const image = tf.input({ shape: [FER_SIZE, FER_SIZE, 1], name: "image" });
  const bn = o.batchNormConv;
  let x = image;
  for (const [i, filters] of [64, 128, 256].entries()) {
    x = convBlock(x, {
      filters,
      kernelSize: 3,
      batchNorm: bn,
      order: "seed",
      seeds,
      name: `b${i + 1}`,
    });
    x = maxPool3s2(x, `b${i + 1}_pool`);
  }
  x = dropoutKeep(x, o.keepProb, seeds, "b3_dropout");
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as tf.SymbolicTensor;
  x = denseBlock(x, 4096, false, seeds, "fc1");
  x = dropoutKeep(x, o.keepProb, seeds, "fc1_dropout");
  x = denseBlock(x, 1024, o.batchNormDense, seeds, "fc2");
  if (!o.featureLength) {
    return tf.model({ inputs: image, outputs: softmaxHead(x, o.classes, seeds), name: "model_b" });
  }
  const features = tf.input({ shape: [o.featureLength], name: "features" });
  const merged = featureBranch(x, features, { hidden: 1024, projection: 128 }, o, seeds);
  return tf.model({
    inputs: [image, features],
    outputs: softmaxHead(merged, o.classes, seeds),
    name: "model_b_features",
  });
}
