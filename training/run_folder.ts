/**
 * A finished or running training run's folder: reading its resolved config and history, and
 * exporting weights taken from it (its best epoch, its latest, an average of its snapshots).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { readManifest, readPreparedSplit } from "./data/cache.ts";
import { defaultConfig, mergeConfig, type TrainConfig } from "./config.ts";
import { toTrainData } from "./dataset.ts";
import { exportModel, type ExportResult } from "./export.ts";
import { readRunSelection } from "./selection_run.ts";
import type { EpochRecord } from "./loop/history.ts";

/** The run's `config.json`, completed with defaults, with an optional quantization override. */
export async function readRunConfig(
  runDir: string,
  quantization?: TrainConfig["quantization"],
): Promise<TrainConfig> {
  const saved = JSON.parse(await Deno.readTextFile(join(runDir, "config.json"))) as TrainConfig;
  const config = mergeConfig(defaultConfig(saved.model), saved);
  // A run from before the Selection split trained on all of Training: no default split for it.
  if (saved.selection === undefined) delete config.selection;
  return quantization ? { ...config, quantization } : config;
}

/** Where the weights of {@link exportFromRun} come from, as its `fer-model.json` records it. */
export interface RunExportOptions {
  /** The run folder. */
  run: string;
  /** The run's config (see {@link readRunConfig}). */
  config: TrainConfig;
  /** Model folder to write. */
  to: string;
  /** The last epoch the weights saw. */
  epochs: number;
  /** The epochs averaged into the weights, if they are an average. */
  averagedEpochs?: number[];
}

/**
 * Exports `model`, trained in a run, like `deno task train` does at the end: quantized, evaluated
 * float and quantized on the run's validation split, with the run's curves. Image-only models only:
 * feature models need the training feature statistics that only `train` has.
 */
export async function exportFromRun(
  model: tf.LayersModel,
  options: RunExportOptions,
): Promise<ExportResult> {
  const { config } = options;
  if (config.features.length) {
    throw new Error("exporting feature models needs the training feature statistics; use train");
  }
  const manifest = await readManifest(config.data);
  const val = await readPreparedSplit(config.data, config.validationSplit);
  const { data } = toTrainData(val, {
    classes: manifest.labels.length,
    features: [],
    labelSmoothing: 0,
  });
  return await exportModel(model, {
    dir: options.to,
    config,
    labels: manifest.labels,
    val: data,
    valName: config.validationSplit,
    features: [],
    dataSha256: manifest.source.sha256,
    epochs: options.epochs,
    averagedEpochs: options.averagedEpochs,
    runDir: options.run,
    selection: await readRunSelection(options.run),
  });
}

/** The epoch whose weights `RUN/best/` holds: from the checkpoint state, else the history's best. */
export async function bestEpoch(runDir: string, history: EpochRecord[]): Promise<number> {
  try {
    const state = JSON.parse(await Deno.readTextFile(join(runDir, "checkpoint", "state.json")));
    if (typeof state?.best?.epoch === "number") return state.best.epoch;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return history.reduce((best, e) => (e.valAccuracy > best.valAccuracy ? e : best)).epoch;
}
