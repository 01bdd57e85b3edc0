/**
 * The seed's landmark/HOG branch: `features -> dense hidden [BN] -> dense projection [BN]`, merged by
 * concatenation with a dense projection of the image branch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { denseBlock, type SeedSequence } from "./layers.ts";
import type { ModelOptions } from "./spec.ts";

/** Sizes of the feature branch: Model A uses 1024 -> 40, Model B 1024 -> 128. */
export interface FeatureBranchSizes {
  /** Units of the first dense layer on the features. */
  hidden: number;
  /** Units both branches are projected to before concatenation. */
  projection: number;
}

/** Projects the image branch, runs the feature branch, and concatenates the two. */
export function featureBranch(
  imageBranch: tf.SymbolicTensor,
  features: tf.SymbolicTensor,
  sizes: FeatureBranchSizes,
  o: ModelOptions,
  seeds: SeedSequence,
): tf.SymbolicTensor {
  const bn = o.batchNormDense;
  const image = denseBlock(imageBranch, sizes.projection, false, seeds, "image_proj");
  let f = denseBlock(features, sizes.hidden, bn, seeds, "feat1");
  f = denseBlock(f, sizes.projection, bn, seeds, "feat2");
  return tf.layers.concatenate({ axis: 1, name: "merge" }).apply([image, f]) as tf.SymbolicTensor;
}
