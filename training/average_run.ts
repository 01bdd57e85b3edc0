/**
 * The work behind `deno task average`: averages a run's per-epoch weight snapshots (`train --keep-epochs`),
 * re-measures batch-norm statistics on Training images, and exports the result like
 * `deno task export` (float and quantized accuracy on PublicTest, same folder layout).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { readManifest, readPreparedSplit } from "./data/cache.ts";
import { loadLayersModelDir } from "../src/model/io.ts";
import { ProgressBar } from "../term/progress.ts";
import type { TrainConfig } from "./config.ts";
import { exportFromRun, readRunConfig } from "./run_folder.ts";
import { limitSplit, toTrainData } from "./dataset.ts";
import type { ExportResult } from "./export.ts";
import { epochFolderName, EPOCHS_DIR } from "./loop/loop.ts";
import { averageWeightLists } from "./average_weights.ts";
import { recalibrateBatchNorm } from "./recalibrate_bn.ts";
import { frozenPrefixLength } from "./engine/freeze.ts";
import { MirrorSymmetry } from "./models/mirror_symmetry.ts";
import { PIXEL_SCALE } from "../src/face.ts";

/** Inputs of {@link averageRun}. */
export interface AverageRunOptions {
  /** Run folder. */
  run: string;
  /** 1-based epochs to average. */
  epochs: number[];
  /** Output model folder. */
  to: string;
  /** Folder of `epoch-NNN` snapshots (default `run/epochs`). */
  snapshots?: string;
  /** Training images for batch-norm statistics (default 8192). */
  bnImages?: number;
  /** Overrides the run's quantization. */
  quantization?: TrainConfig["quantization"];
  /** Show progress (default true). */
  progress?: boolean;
}

/** Averages the selected snapshots of a run and exports the result. */
export async function averageRun(options: AverageRunOptions): Promise<ExportResult> {
  const config = await readRunConfig(options.run, options.quantization);
  if (config.features.length) {
    throw new Error(
      "averaging feature models is not supported (their inputs need the run's stats)",
    );
  }
  const snapshots = options.snapshots ?? join(options.run, EPOCHS_DIR);
  const models: tf.LayersModel[] = [];
  try {
    for (const epoch of options.epochs) {
      const dir = join(snapshots, epochFolderName(epoch));
      try {
        models.push(await loadLayersModelDir(dir));
      } catch (error) {
        throw new Error(`no snapshot of epoch ${epoch} in ${dir} (train with --keep-epochs)`, {
          cause: error,
        });
      }
    }
    const averaged = averageWeightLists(models.map((m) => m.getWeights()));
    const model = models[0];
    model.setWeights(averaged);
    averaged.forEach((t) => t.dispose());

    const manifest = await readManifest(config.data);
    const train = limitSplit(
      await readPreparedSplit(config.data, "Training"),
      options.bnImages ?? 8192,
    );
    const { data: trainData } = toTrainData(train, {
      classes: manifest.labels.length,
      features: [],
      labelSmoothing: 0,
    });
    // A frozen trunk keeps its statistics, so that a set with its starting model can share it.
    const keepLeadingLayers = frozenPrefixLength(model, config.freezeConvs ?? 0);
    const normLayers = model.layers.filter((l, i) =>
      i >= keepLeadingLayers && l.getClassName() === "BatchNormalization"
    );
    const bar = options.progress === false ? undefined : new ProgressBar({
      total: normLayers.length,
      label: "batch-norm statistics",
      unit: "layer",
    });
    // A mirror-tied model stays tied: measured on mirrored images too, tied again layer by layer
    // (only float rounding separates the pairs), so each layer is measured behind tied ones.
    const symmetry = config.mirrorSymmetric ? MirrorSymmetry.of(model) : undefined;
    recalibrateBatchNorm(model, trainData, {
      pixelScale: PIXEL_SCALE,
      withMirrorImages: symmetry !== undefined,
      keepLeadingLayers,
      onLayer: (done) => {
        symmetry?.project();
        bar?.update(done);
      },
    });
    bar?.done();

    return await exportFromRun(model, {
      run: options.run,
      config,
      to: options.to,
      epochs: Math.max(...options.epochs),
      averagedEpochs: options.epochs,
    });
  } finally {
    models.forEach((m) => m.dispose());
  }
}
