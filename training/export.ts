/**
 * Export of a trained model: evaluate the float model on the validation split, write the quantized
 * LayersModel folder with `fer-model.json` and `metrics.json`, load it back, evaluate it again, and
 * refuse the export when quantization cost more than the allowed accuracy.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { loadLayersModelDir, saveModelDir } from "../src/model/io.ts";
import {
  FER_INPUT,
  type FerModelMetadata,
  type SelectionRecord,
  type SplitMetrics,
} from "../src/model/metadata.ts";
import type { TrainConfig } from "./config.ts";
import type { TrainData } from "./dataset.ts";
import { argmaxRows, confusionMatrix, reportFromConfusion } from "./metrics.ts";
import { countMacs, describeModel } from "./models/mod.ts";
import { MirrorSymmetry } from "./models/mirror_symmetry.ts";
import { predictScores } from "./predict_batches.ts";
import { PIXEL_SCALE } from "../src/face.ts";
import { confusionSvg } from "./charts.ts";

/** Options of {@link exportModel}. */
export interface ExportOptions {
  /** Output folder. */
  dir: string;
  /** Configuration the model was trained with. */
  config: TrainConfig;
  /** Class names. */
  labels: string[];
  /** Data to report float and quantized accuracy on (PublicTest). */
  val: TrainData;
  /** Name of the validation split. */
  valName: string;
  /** Feature inputs, names and lengths. */
  features: { name: string; length: number }[];
  /** SHA-256 of the source CSV. */
  dataSha256?: string;
  /** Epochs trained. */
  epochs: number;
  /** Epochs whose snapshots were averaged into the model (see `average_weights.ts`), if any. */
  averagedEpochs?: number[];
  /** Largest accepted accuracy loss from quantization, in points (default 0.5). */
  maxDropPoints?: number;
  /**
   * The run folder the model comes from: its `history.json` and `curves.svg` travel with the model
   * as `training-history.json` and `training-curves.svg`, so a shipped model shows how it was made.
   */
  runDir?: string;
  /** The Selection split held out of the model's training, if it had one. */
  selection?: SelectionRecord;
}

/** Accuracy figures of an export. */
export interface ExportResult {
  /** Float model on the validation split. */
  float: SplitMetrics;
  /** Exported (quantized) model on the validation split. */
  quantized: SplitMetrics;
  /** Bytes of model.json + weights. */
  sizeBytes: number;
}

function splitMetrics(
  model: tf.LayersModel,
  data: TrainData,
  labels: string[],
  split: string,
) {
  const scores = predictScores(model, data, PIXEL_SCALE);
  const predicted = argmaxRows(scores, data.classes);
  const report = reportFromConfusion(confusionMatrix(data.labels, predicted, data.classes), labels);
  const metrics: SplitMetrics = {
    split,
    count: report.count,
    accuracy: report.accuracy,
    macroF1: report.macroF1,
  };
  return { metrics, report };
}

/** Exports `model` quantized to `options.dir`; throws if quantization lost too much accuracy. */
export async function exportModel(
  model: tf.LayersModel,
  options: ExportOptions,
): Promise<ExportResult> {
  const { config, labels, val, valName } = options;
  if (config.mirrorSymmetric) {
    // The flag in fer-model.json lets servers skip flip views; it must be true of the weights.
    const gap = MirrorSymmetry.of(model).maxAsymmetry();
    if (gap !== 0) {
      throw new Error(`export: the mirror-tied model's weights are not tied (gap ${gap})`);
    }
  }
  const float = splitMetrics(model, val, labels, valName).metrics;
  const metadata: Omit<FerModelMetadata, "quantization" | "sizeBytes"> = {
    formatVersion: 1,
    name: config.model === "default" ? "default" : `model-${config.model}`,
    architecture: describeModel(config.model),
    labels,
    input: FER_INPUT,
    features: options.features,
    parameters: model.countParams(),
    macs: countMacs(model),
    ...(config.mirrorSymmetric ? { mirrorSymmetric: true } : {}),
    training: {
      dataSha256: options.dataSha256,
      epochs: options.epochs,
      ...(options.averagedEpochs ? { averagedEpochs: options.averagedEpochs } : {}),
      labelSet: config.labels,
      config: config as unknown as Record<string, unknown>,
      ...(options.selection ? { selection: options.selection } : {}),
    },
    metrics: { float },
    exportedAt: new Date().toISOString(),
  };
  // Write into a scratch folder and move it into place only when the quantized model passes, so a
  // failed export never replaces a good model (e.g. the shipped models/default).
  const scratch = `${options.dir}.export-tmp`;
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  await saveModelDir(model, scratch, config.quantization, metadata);
  const reloaded = await loadLayersModelDir(scratch);
  const { metrics: quantized, report } = splitMetrics(reloaded, val, labels, valName);
  reloaded.dispose();
  const drop = (float.accuracy - quantized.accuracy) * 100;
  const allowed = options.maxDropPoints ?? 0.5;
  if (drop > allowed) {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
    throw new Error(
      `quantization (${config.quantization}) lost ${drop.toFixed(2)} points on ${valName} ` +
        `(float ${(float.accuracy * 100).toFixed(2)}%, quantized ${
          (quantized.accuracy * 100).toFixed(2)
        }%), more than the allowed ${allowed}; try --quantization float16`,
    );
  }
  const sizeBytes = await saveModelDir(model, scratch, config.quantization, {
    ...metadata,
    metrics: { float, quantized },
  });
  await Deno.writeTextFile(
    join(scratch, "metrics.json"),
    JSON.stringify({ [valName]: report, float, quantized }, null, 2) + "\n",
  );
  await Deno.writeTextFile(
    join(scratch, "confusion.svg"),
    confusionSvg(report, `${metadata.name} (${config.quantization}) on ${valName}`),
  );
  if (options.runDir) await copyTrainingRecord(options.runDir, scratch);
  await Deno.remove(options.dir, { recursive: true }).catch(() => {});
  await Deno.rename(scratch, options.dir);
  return { float, quantized, sizeBytes };
}

/** Copies a run's history and curves (when present) into a model folder. */
async function copyTrainingRecord(runDir: string, modelDir: string): Promise<void> {
  for (
    const [from, to] of [["history.json", "training-history.json"], [
      "curves.svg",
      "training-curves.svg",
    ]]
  ) {
    try {
      await Deno.copyFile(join(runDir, from), join(modelDir, to));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
