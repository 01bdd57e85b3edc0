/**
 * `deno task average`: averages a run's per-epoch weight snapshots (`train --keep-epochs`),
 * re-measures batch-norm statistics on Training images, and exports the result like
 * `deno task export` (float and quantized accuracy on PublicTest, same folder layout).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { parseArgs } from "node:util";
import { join } from "node:path";
import { readManifest, readPreparedSplit } from "./data/cache.ts";
import { loadLayersModelDir } from "../src/model/io.ts";
import { useWasmBackend } from "../src/backend.ts";
import { ProgressBar } from "../term/progress.ts";
import type { TrainConfig } from "./config.ts";
import { exportFromRun, readRunConfig } from "./run_folder.ts";
import { readRunHistory } from "./history.ts";
import { limitSplit, toTrainData } from "./dataset.ts";
import type { ExportResult } from "./export.ts";
import { epochFolderName, EPOCHS_DIR } from "./run.ts";
import {
  averageWeightLists,
  formatEpochSelection,
  parseEpochSelection,
} from "./average_weights.ts";
import { recalibrateBatchNorm } from "./recalibrate_bn.ts";
import { MirrorSymmetry } from "./models/mirror_symmetry.ts";
import { runMain } from "../term/run_main.ts";
import { PIXEL_SCALE } from "../src/face.ts";

const HELP = `deno task average --run DIR --epochs 80-96 --to DIR [flags]

  --run DIR           run folder (its config.json and history.json are used)
  --epochs LIST       epochs to average: a range 80-96, a list 84,88,92, or both
  --to DIR            model folder to write (e.g. models/default)
  --snapshots DIR     where the epoch-NNN folders are (default RUN/epochs)
  --bn-images N       Training images to re-measure batch-norm statistics on (default 8192)
  --quantization uint8|float16|none   (default: the run's)
`;

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
    const normLayers = model.layers.filter((l) => l.getClassName() === "BatchNormalization");
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

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      run: { type: "string" },
      epochs: { type: "string" },
      to: { type: "string" },
      snapshots: { type: "string" },
      "bn-images": { type: "string" },
      quantization: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || !values.run || !values.to || !values.epochs) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const epochs = parseEpochSelection(values.epochs);
  const bnImages = values["bn-images"] ? Number(values["bn-images"]) : undefined;
  if (bnImages !== undefined && !(Number.isInteger(bnImages) && bnImages > 0)) {
    throw new Error(`--bn-images expects a positive integer, got "${values["bn-images"]}"`);
  }
  await useWasmBackend();
  const result = await averageRun({
    run: values.run,
    epochs,
    to: values.to,
    snapshots: values.snapshots,
    bnImages,
    quantization: values.quantization as TrainConfig["quantization"] | undefined,
  });
  const history = await readRunHistory(values.run);
  const single = history.filter((h) => epochs.includes(h.epoch));
  const bestSingle = single.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a), single[0]);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  console.log(
    `averaged ${epochs.length} epochs (${
      formatEpochSelection(epochs)
    }) of ${values.run} into ${values.to}: ` +
      `float ${pct(result.float.accuracy)} -> quantized ${pct(result.quantized.accuracy)} ` +
      `(${(result.sizeBytes / 1024).toFixed(0)} KiB)` +
      (bestSingle
        ? `; best single epoch of those: ${bestSingle.epoch} at ${pct(bestSingle.valAccuracy)}`
        : ""),
  );
  return 0;
}

if (import.meta.main) await runMain("average", main);
