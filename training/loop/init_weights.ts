/**
 * Starting a run from an exported model's weights (`--init-from DIR`): a new distillation or
 * fine-tuning cycle then needs only the shipped model folder, not the run folder that made it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { loadLayersModelDir, readModelMetadata } from "../../src/model/io.ts";

/**
 * Checks that `dir` is an exported model folder (its `fer-model.json` reads), so that a run with
 * `--init-from` fails before the minutes-long teacher scoring rather than after it.
 */
export async function checkInitFrom(dir: string): Promise<void> {
  await readModelMetadata(dir).catch((error) => {
    throw new Error(`--init-from ${dir}: not a model folder (${error.message})`);
  });
}

/**
 * Copies the weights of the model exported in `dir` (dequantized) into `model`, which must have the
 * same architecture: the same number of weights with the same shapes, in the same order. Throws
 * naming the first weight that differs, before changing anything.
 */
export async function initWeightsFrom(model: tf.LayersModel, dir: string): Promise<void> {
  const source = await loadLayersModelDir(dir).catch((error) => {
    throw new Error(`--init-from ${dir}: cannot load the model (${error.message})`);
  });
  try {
    const from = source.getWeights();
    const to = model.weights;
    if (from.length !== to.length) {
      throw new Error(
        `--init-from ${dir}: it has ${from.length} weights, this model ${to.length} ` +
          "(another model, width or feature set?)",
      );
    }
    to.forEach((variable, i) => {
      const a = from[i].shape.join("x");
      const b = variable.shape.join("x");
      if (a !== b) {
        throw new Error(`--init-from ${dir}: weight ${variable.name} is ${b} here but ${a} there`);
      }
    });
    model.setWeights(from);
  } finally {
    source.dispose();
  }
}
