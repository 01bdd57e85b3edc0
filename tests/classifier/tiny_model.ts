/**
 * A tiny deterministic stand-in for the shipped model (same input and output shapes, seeded
 * weights), saved with `saveModelDir` so tests exercise the real loading path without depending on
 * the trained weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { saveModelDir } from "../../src/model/io.ts";
import { FER_INPUT, type FerModelMetadata } from "../../src/model/metadata.ts";
import { FER_EMOTIONS } from "../../src/face.ts";

/**
 * A [N,48,48,1] -> softmax(`classes`) model with seeded weights: conv 4x4/4, then dense. Seven
 * classes (FER2013's) by default; `tiny_ferplus.ts` builds the eight-class FER+ one.
 */
export function tinyFerModel(classes: number = FER_EMOTIONS.length): tf.LayersModel {
  // Fixed names: auto-generated ones count up per process and would change model.json.
  const input = tf.input({ shape: [48, 48, 1], name: "face" });
  const conv = tf.layers.conv2d({
    name: "conv",
    filters: 2,
    kernelSize: 4,
    strides: 4,
    activation: "relu",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }),
    biasInitializer: tf.initializers.constant({ value: 0.05 }),
  }).apply(input);
  const flat = tf.layers.flatten({ name: "flatten" }).apply(conv);
  const out = tf.layers.dense({
    name: "scores",
    units: classes,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }),
  }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "tiny_fer" });
}

/** Metadata for the tiny model, as an export would write it. */
export function tinyMetadata(): Omit<FerModelMetadata, "quantization" | "sizeBytes"> {
  return {
    formatVersion: 1,
    name: "tiny-test",
    architecture: "conv4x4/4(2) -> dense(7), test fixture",
    labels: [...FER_EMOTIONS],
    input: FER_INPUT,
    features: [],
    parameters: 2 * 16 + 2 + 288 * 7 + 7,
    training: {},
    metrics: { quantized: { split: "PublicTest", count: 0, accuracy: 0, macroF1: 0 } },
    exportedAt: "2026-11-28T00:00:00.000Z",
  };
}

/** Saves the tiny model (float weights) to a new temp folder and returns its path. */
export async function writeTinyModelDir(): Promise<string> {
  const model = tinyFerModel();
  const dir = await Deno.makeTempDir({ prefix: "fer-tiny-model-" });
  try {
    await saveModelDir(model, dir, "none", tinyMetadata());
  } catch (error) {
    await Deno.remove(dir, { recursive: true });
    throw error;
  } finally {
    model.dispose();
  }
  return dir;
}
