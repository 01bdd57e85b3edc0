/**
 * The seed's "Model A" (TFLearn): three convolutions 64@5x5, 64@5x5, 128@4x4 with 3/2 max-pooling,
 * dropout, dense 1024, and an optional feature branch (dense 1024 -> dense 40) merged by
 * concatenation with a dense-40 projection of the image branch.
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

/** Builds Model A exactly as the seed defines it. */
export function buildModelA(o: ModelOptions): tf.LayersModel {
  const seeds = new SeedSequence(o.seed);
  const image = tf.input({ shape: [FER_SIZE, FER_SIZE, 1], name: "image" });
  const bn = o.batchNormConv;
  let x = convBlock(image, {
    filters: 64,
    kernelSize: 5,
    batchNorm: bn,
    order: "seed",
    seeds,
    name: "a1",
  });
  x = maxPool3s2(x, "a1_pool");
  x = convBlock(x, { filters: 64, kernelSize: 5, batchNorm: bn, order: "seed", seeds, name: "a2" });
  x = maxPool3s2(x, "a2_pool");
  x = convBlock(x, {
    filters: 128,
    kernelSize: 4,
    batchNorm: bn,
    order: "seed",
    seeds,
    name: "a3",
  });
  x = dropoutKeep(x, o.keepProb, seeds, "a3_dropout");
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as tf.SymbolicTensor;
  x = denseBlock(x, 1024, o.batchNormDense, seeds, "fc1");
  if (!o.featureLength) {
    return tf.model({ inputs: image, outputs: softmaxHead(x, o.classes, seeds), name: "model_a" });
  }
  const features = tf.input({ shape: [o.featureLength], name: "features" });
  const merged = featureBranch(x, features, { hidden: 1024, projection: 40 }, o, seeds);
  return tf.model({
    inputs: [image, features],
    outputs: softmaxHead(merged, o.classes, seeds),
    name: "model_a_features",
  });
}
