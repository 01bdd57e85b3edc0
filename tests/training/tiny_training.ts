/**
 * The small setup every training test shares: the wasm training backend, a fixture-sized config of
 * the default model, and that model built untrained.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { defaultConfig, mergeConfig, type TrainConfig } from "../../training/config.ts";
import { buildModel } from "../../training/models/mod.ts";
import { installWasmTrainingKernels, useWasmBackend } from "../../training/engine/mod.ts";
import type { PreparedSplit } from "../../training/data/cache.ts";
import { toTrainData } from "../../training/dataset.ts";
import { predictScores } from "../../training/predict_batches.ts";
import { PIXEL_SCALE } from "../../src/face.ts";
import type { EpochRecord } from "../../training/loop/history.ts";
import { assertEquals, assertOk } from "../assert.ts";

/**
 * Switches to the wasm backend with fer-edge's gradient kernels, as `deno task train` does (and
 * ~10x faster than cpu, which keeps the tests short).
 */
export async function useWasmTraining(): Promise<void> {
  await useWasmBackend();
  await tf.setBackend("wasm");
  installWasmTrainingKernels();
}

/**
 * The default model at a quarter width, trained with a constant rate and no regularisation so a
 * few epochs fit a synthetic set; `overrides` replace any field.
 */
export function tinyTrainConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return mergeConfig(defaultConfig("default"), {
    width: 0.25,
    epochs: 3,
    batchSize: 16,
    learningRate: 0.01,
    warmupEpochs: 0,
    schedule: "constant",
    keepProb: 1,
    labelSmoothing: 0,
    ...overrides,
  });
}

/** An untrained quarter-width default model over `classes` classes, seeded. */
export function tinyDefaultModel(classes: number, seed: number): tf.LayersModel {
  return buildModel("default", {
    classes,
    batchNormConv: true,
    batchNormDense: true,
    keepProb: 1,
    width: 0.25,
    seed,
  });
}

/**
 * Images of `split` whose top class under `model` is the class after their label (wrapping
 * around `classes`): the answer of the "next class" teachers the distillation tests train with.
 */
export function countNamingNextClass(
  model: tf.LayersModel,
  split: PreparedSplit,
  classes: number,
): number {
  const { data } = toTrainData(split, { classes, features: [], labelSmoothing: 0 });
  const scores = predictScores(model, data, PIXEL_SCALE);
  let count = 0;
  for (let i = 0; i < split.count; i++) {
    const row = Array.from(scores.subarray(i * classes, (i + 1) * classes));
    if (row.indexOf(Math.max(...row)) === (split.labels[i] + 1) % classes) count++;
  }
  return count;
}

/**
 * Asserts that two runs' histories are the same training: as many epochs, and per epoch the same
 * training loss (within 1e-4) and validation accuracy (within 1e-6).
 */
export function assertSameTraining(straight: EpochRecord[], resumed: EpochRecord[]): void {
  assertEquals(resumed.length, straight.length);
  straight.forEach((a, e) => {
    const b = resumed[e];
    assertOk(
      Math.abs(a.trainLoss - b.trainLoss) < 1e-4,
      `epoch ${e + 1}: straight loss ${a.trainLoss} vs resumed ${b.trainLoss}`,
    );
    assertOk(Math.abs(a.valAccuracy - b.valAccuracy) < 1e-6, `epoch ${e + 1}: accuracy`);
  });
}
