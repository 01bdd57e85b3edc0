/**
 * The model factory: Model A and Model B from the seed, and fer-edge's default model.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { buildModelA } from "./model_a.ts";
import { buildModelB } from "./model_b.ts";
import { buildDefaultModel } from "./default_model.ts";
import type { ModelName, ModelOptions } from "./spec.ts";
import { MirrorSymmetry } from "./mirror_symmetry.ts";
import type { AfterStep } from "../loop/after_step.ts";

export { buildModelA } from "./model_a.ts";
export { buildModelB } from "./model_b.ts";
export { buildDefaultModel, DEFAULT_STAGE_CHANNELS } from "./default_model.ts";
export { countMacs } from "./macs.ts";
export type { ModelName, ModelOptions } from "./spec.ts";

/** Builds the named model. */
export function buildModel(name: ModelName, options: ModelOptions): tf.LayersModel {
  switch (name) {
    case "a":
      return buildModelA(options);
    case "b":
      return buildModelB(options);
    case "default":
      return buildDefaultModel(options);
  }
}

/**
 * The after-step work a model of `options` needs while it trains: for a mirror-tied model, the
 * projection back onto tied weights (an optimizer step moves a weight and its mirror partner
 * apart). Throws, naming the layer, when `model` cannot be tied.
 */
export function modelAfterStep(
  model: tf.LayersModel,
  options: { mirrorSymmetric?: boolean },
): AfterStep[] {
  if (!options.mirrorSymmetric) return [];
  const symmetry = MirrorSymmetry.of(model);
  return [{ name: "mirror tie", run: () => symmetry.project() }];
}

/** A one-line description of the named model's architecture. */
export function describeModel(name: ModelName): string {
  switch (name) {
    case "a":
      return "seed Model A: conv 64@5x5, 64@5x5, 128@4x4, maxpool 3/2, dense 1024";
    case "b":
      return "seed Model B: conv 64/128/256@3x3, maxpool 3/2, dense 4096, dense 1024";
    case "default":
      return "fer-edge VGG-style: 4 stages x 2 conv3x3 (16/32/64/128) + BN, maxpool, dense 128";
  }
}
