/**
 * Checkpoints of a training run: the float model, the optimizer's slots and the loop position,
 * written to a temporary folder and renamed into place so an interruption never leaves a half
 * checkpoint behind.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { loadLayersModelDir, saveModelDir } from "../../src/model/io.ts";

/** Where the loop stands; enough to continue the same run. */
export interface LoopState {
  /** Epoch in progress (0-based). */
  epoch: number;
  /** Batches of that epoch already done. */
  batchInEpoch: number;
  /** Global step (batches done since the start). */
  step: number;
  /** Best validation accuracy so far and its epoch (1-based, 0 = none yet). */
  best: { accuracy: number; epoch: number };
  /** Product of reduce-on-plateau reductions so far. */
  plateauFactor: number;
  /** Epochs since the best validation accuracy, for plateau and early stopping. */
  epochsSinceBest: number;
}

const STATE_FILE = "state.json";
const OPTIMIZER_SPECS = "optimizer.json";
const OPTIMIZER_DATA = "optimizer.bin";

/** Writes a checkpoint of `model`, `optimizer` and `state` to `dir` (replacing any previous one). */
export async function saveCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  state: LoopState,
): Promise<void> {
  const tmp = `${dir}.tmp`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await saveModelDir(model, tmp, "none");
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  await Deno.writeTextFile(join(tmp, OPTIMIZER_SPECS), JSON.stringify(specs));
  await Deno.writeFile(join(tmp, OPTIMIZER_DATA), new Uint8Array(data));
  await Deno.writeTextFile(join(tmp, STATE_FILE), JSON.stringify(state, null, 2));
  const old = `${dir}.old`;
  await Deno.remove(old, { recursive: true }).catch(() => {});
  await Deno.rename(dir, old).catch(() => {});
  await Deno.rename(tmp, dir);
  await Deno.remove(old, { recursive: true }).catch(() => {});
}

/** Whether `dir` holds a complete checkpoint. */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  try {
    await Deno.stat(join(dir, STATE_FILE));
    return true;
  } catch {
    return false;
  }
}

/**
 * Restores a checkpoint: loads the saved weights into `model` (which must have the same
 * architecture) and the optimizer's slots into `optimizer`, and returns the loop state.
 */
export async function loadCheckpoint(
  dir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
): Promise<LoopState> {
  const saved = await loadLayersModelDir(dir);
  model.setWeights(saved.getWeights());
  saved.dispose();
  const specs = JSON.parse(await Deno.readTextFile(join(dir, OPTIMIZER_SPECS)));
  const bytes = await Deno.readFile(join(dir, OPTIMIZER_DATA));
  const named = tf.io.decodeWeights(bytes.buffer.slice(0) as ArrayBuffer, specs);
  const list = specs.map((s: tf.io.WeightsManifestEntry) => ({
    name: s.name,
    tensor: named[s.name],
  }));
  if (list.length > 0) await optimizer.setWeights(list);
  return JSON.parse(await Deno.readTextFile(join(dir, STATE_FILE))) as LoopState;
}
