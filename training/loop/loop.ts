/**
 * The training loop: batches with on-the-fly augmentation, the learning-rate schedule, validation
 * on the validation split (Selection, or PublicTest for runs without it) every epoch, best-model
 * selection, early stopping, a checkpoint every epoch, resume, and a clean stop on Ctrl-C (the
 * checkpoint then records the position inside the epoch). What the targets are comes from the
 * run's target sources (`targets.ts`); work after each optimizer step, such as the mirror tie's
 * projection, from its after-step hooks (`after_step.ts`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import type { PreparedSplit } from "../data/cache.ts";
import { ProgressBar } from "../../term/progress.ts";
import { saveModelDir } from "../../src/model/io.ts";
import { PIXEL_SCALE } from "../../src/face.ts";
import type { TrainConfig } from "../config.ts";
import { createOptimizer, setLearningRate } from "./optimizer.ts";
import { learningRateAt } from "./schedule.ts";
import { Rng } from "../rng.ts";
import { type FeatureStats, makeBatch, toTrainData, type TrainData } from "../dataset.ts";
import { hasCheckpoint, loadCheckpoint, type LoopState, saveCheckpoint } from "./checkpoint.ts";
import type { EpochRecord } from "./history.ts";
import { buildModel, modelAfterStep } from "../models/mod.ts";
import { curvesSvg } from "../charts.ts";
import { evaluateModel } from "../predict_batches.ts";
import { DataParallelTrainer } from "../engine/data_parallel.ts";
import { frozenPrefixLength } from "../engine/freeze.ts";
import { trainOnBatchHere } from "../engine/shard_step.ts";
import { initWeightsFrom } from "./init_weights.ts";
import { TargetList } from "./targets.ts";
import type { AfterStepFactory } from "./after_step.ts";

/** Inputs of {@link runTraining}. */
export interface RunOptions {
  /** Training split (a target source with views trains on copies of it instead). */
  train: PreparedSplit;
  /** Validation split: Selection, or PublicTest for runs without one. */
  val: PreparedSplit;
  /** Its name in logs and charts (default `val.split`; `Selection` for the held-out images). */
  valName?: string;
  /** Class names in label order. */
  labels: string[];
  /** Folder for checkpoints, history, curves and the best model; nothing is written without it. */
  runDir?: string;
  /** Continue from `runDir/checkpoint` if it exists. */
  resume?: boolean;
  /**
   * Where the targets come from besides the labels (`targets.ts`: FER+ votes, teacher scores,
   * teacher views, the online teacher); none = the labels, one-hot with label smoothing. Their
   * resources (an online teacher's weights) are the caller's to free.
   */
  targets?: TargetList;
  /**
   * After-step work besides the model's own (the mirror tie registers itself, `models/mod.ts`),
   * each made once the model is built.
   */
  afterStep?: readonly AfterStepFactory[];
  /** Stop cleanly when this signal aborts (Ctrl-C). */
  signal?: AbortSignal;
  /** Show progress bars (default true). */
  progress?: boolean;
  /** Called after every epoch. */
  onEpoch?: (record: EpochRecord) => void;
  /**
   * 2 = split every batch between this thread and a wasm worker (the engine's
   * `DataParallelTrainer`, ~2x on an idle 2-core machine); 1 (default) = one thread, bit-for-bit
   * reproducible from the seed.
   */
  workers?: 1 | 2;
  /** Also save every epoch's weights to `runDir/epochs/epoch-NNN/` (for `deno task average`). */
  keepEpochs?: boolean;
}

/** What a run produced. */
export interface TrainResult {
  /** Per-epoch record. */
  history: EpochRecord[];
  /** Best validation accuracy and its epoch. */
  best: { epoch: number; valAccuracy: number };
  /** The model with the best validation accuracy's weights. */
  model: tf.LayersModel;
  /** Feature standardisation computed on the training split, if the model has features. */
  featureStats?: FeatureStats;
  /** True when the run stopped early because of the signal. */
  interrupted: boolean;
}

/** Folder of a run that holds per-epoch weight snapshots (`--keep-epochs`). */
export const EPOCHS_DIR = "epochs";

/** Name of epoch `epoch`'s snapshot folder inside {@link EPOCHS_DIR}: `epoch-007`. */
export function epochFolderName(epoch: number): string {
  return `epoch-${String(epoch).padStart(3, "0")}`;
}

function freshState(): LoopState {
  return {
    epoch: 0,
    batchInEpoch: 0,
    step: 0,
    best: { accuracy: -1, epoch: 0 },
    plateauFactor: 1,
    epochsSinceBest: 0,
  };
}

async function readHistory(runDir: string): Promise<EpochRecord[]> {
  try {
    return JSON.parse(await Deno.readTextFile(join(runDir, "history.json")));
  } catch {
    return [];
  }
}

/** Trains `config`'s model on `options.train`, selecting on `options.val`. */
export async function runTraining(config: TrainConfig, options: RunOptions): Promise<TrainResult> {
  const classes = options.labels.length;
  const valName = options.valName ?? options.val.split;
  const targets = options.targets ?? new TargetList();
  const views = targets.views;
  const common = { classes, features: config.features, labelSmoothing: config.labelSmoothing };
  const { data: train, stats } = toTrainData(views?.split ?? options.train, common);
  const { data: val } = toTrainData(options.val, { ...common, labelSmoothing: 0, stats });
  for (const [data, part] of [[train, "train"], [val, "val"]] as const) {
    ({ targets: data.targets, labels: data.labels } = targets.imageTargets(data, part));
  }
  const model = buildModel(config.model, {
    classes,
    featureLength: train.featureLength,
    batchNormConv: config.batchNormConv,
    batchNormDense: config.batchNormDense,
    keepProb: config.keepProb,
    width: config.width,
    stageChannels: config.stageChannels,
    seed: config.seed,
  });
  const frozenLayers = frozenPrefixLength(model, config.freezeConvs ?? 0);
  const optimizer = createOptimizer(config);
  model.compile({ optimizer, loss: "categoricalCrossentropy", metrics: ["accuracy"] });

  const runDir = options.runDir;
  const checkpointDir = runDir ? join(runDir, "checkpoint") : undefined;
  let state = freshState();
  let history: EpochRecord[] = [];
  if (runDir) {
    await Deno.mkdir(runDir, { recursive: true });
    await Deno.writeTextFile(join(runDir, "config.json"), JSON.stringify(config, null, 2) + "\n");
    if (options.resume && checkpointDir && await hasCheckpoint(checkpointDir)) {
      state = await loadCheckpoint(checkpointDir, model, optimizer);
      history = (await readHistory(runDir)).filter((h) => h.epoch <= state.epoch);
      console.error(`resumed ${runDir} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch}`);
    }
  }
  if (config.initFrom && state.step === 0) {
    await initWeightsFrom(model, config.initFrom);
    console.error(`initial weights from ${config.initFrom}`);
  }
  if (frozenLayers > 0) {
    console.error(`first ${config.freezeConvs} convolutions frozen (${frozenLayers} layers)`);
  }
  // The model's own after-step work (the mirror tie) and the caller's, each run once now: a fresh
  // or --init-from start is projected from the first step on (a resumed one already is).
  const afterStep = [
    ...modelAfterStep(model, config),
    ...(options.afterStep ?? []).map((make) => make(model)),
  ];
  for (const hook of afterStep) hook.run();
  const bestWeights = { weights: undefined as tf.Tensor[] | undefined };
  const trainer = options.workers === 2
    ? await DataParallelTrainer.create(model, optimizer, frozenLayers)
    : undefined;
  // model.trainOnBatch would train the frozen layers (see engine/freeze.ts).
  const step = (inputs: tf.Tensor[], targets: tf.Tensor) =>
    trainer
      ? trainer.trainOnBatch(inputs, targets)
      : frozenLayers > 0
      ? trainOnBatchHere(model, optimizer, inputs, targets, frozenLayers)
      : model.trainOnBatch(inputs, targets);
  const imagesPerEpoch = train.count / (views?.perImage ?? 1);
  if (!Number.isInteger(imagesPerEpoch)) {
    throw new Error(`${train.count} training images cannot be ${views?.perImage} copies of each`);
  }
  const augment = views ? views.augment(config.augment) : config.augment;
  const batchesPerEpoch = Math.ceil(imagesPerEpoch / config.batchSize);
  /** Images of an epoch covered by its first `batches` batches (the last batch may be short). */
  const imagesIn = (batches: number) => Math.min(imagesPerEpoch, batches * config.batchSize);
  let interrupted = false;

  while (state.epoch < config.epochs && !interrupted) {
    const epoch = state.epoch;
    const images = new Rng(config.seed * 1000003 + epoch).permutation(imagesPerEpoch);
    const order = views ? views.order(images, epoch) : images;
    const bar = options.progress === false ? undefined : new ProgressBar({
      total: imagesPerEpoch,
      label: `epoch ${epoch + 1}/${config.epochs}`,
      unit: "img",
      initial: imagesIn(state.batchInEpoch),
    });
    let lossSum = 0;
    let accSum = 0;
    let seen = 0;
    const started = performance.now();
    for (let b = state.batchInEpoch; b < batchesPerEpoch; b++) {
      // A training step resolves through microtasks only; yielding a macrotask lets signal handlers
      // (Ctrl-C) and timers run between batches.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (options.signal?.aborted) {
        interrupted = true;
        break;
      }
      const lr = learningRateAt(
        config,
        { step: state.step, epoch: epoch + b / batchesPerEpoch },
        state.plateauFactor,
      );
      setLearningRate(optimizer, lr);
      const indices = order.subarray(b * config.batchSize, (b + 1) * config.batchSize);
      const rng = new Rng(config.seed * 7919 + state.step);
      const batch = makeBatch(train, indices, PIXEL_SCALE, { config: augment, rng });
      const batchTargets = targets.batchTargets(batch.targets, batch.inputs);
      const [loss, acc] = await step(batch.inputs, batchTargets) as number[];
      for (const hook of afterStep) hook.run();
      tf.dispose([...batch.inputs, batch.targets, batchTargets]);
      lossSum += loss * indices.length;
      accSum += acc * indices.length;
      seen += indices.length;
      state.step++;
      state.batchInEpoch = b + 1;
      bar?.update(
        imagesIn(b + 1),
        `loss ${(lossSum / seen).toFixed(3)} acc ${(accSum / seen * 100).toFixed(1)}% lr ${
          lr.toExponential(1)
        }`,
      );
    }
    bar?.done();
    const seconds = (performance.now() - started) / 1000;
    if (interrupted) break;

    const evaluation = evaluateModel(model, val, PIXEL_SCALE, 256);
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: seen ? lossSum / seen : NaN,
      trainAccuracy: seen ? accSum / seen : NaN,
      valLoss: evaluation.loss,
      valAccuracy: evaluation.accuracy,
      learningRate: learningRateAt(
        config,
        { step: state.step, epoch: epoch + 1 },
        state.plateauFactor,
      ),
      seconds,
      imagesPerSecond: seen / seconds,
    };
    history.push(record);
    options.onEpoch?.(record);
    console.error(
      `epoch ${record.epoch}: train loss ${record.trainLoss.toFixed(4)} acc ${
        (record.trainAccuracy * 100).toFixed(2)
      }% | ${valName} loss ${record.valLoss.toFixed(4)} acc ${
        (record.valAccuracy * 100).toFixed(2)
      }% | ${record.imagesPerSecond.toFixed(0)} img/s`,
    );

    if (record.valAccuracy > state.best.accuracy) {
      state.best = { accuracy: record.valAccuracy, epoch: record.epoch };
      state.epochsSinceBest = 0;
      tf.dispose(bestWeights.weights ?? []);
      bestWeights.weights = model.getWeights().map((w) => w.clone());
      if (runDir) await saveModelDir(model, join(runDir, "best"), "none");
    } else {
      state.epochsSinceBest++;
      if (config.schedule === "plateau" && state.epochsSinceBest % 2 === 0) {
        state.plateauFactor *= config.learningRateDecay;
      }
    }
    state.epoch++;
    state.batchInEpoch = 0;
    if (runDir && checkpointDir) {
      if (options.keepEpochs) {
        await saveModelDir(model, join(runDir, EPOCHS_DIR, epochFolderName(record.epoch)), "none");
      }
      // History first, whole (written and renamed), then the checkpoint: a kill between the two
      // redoes the epoch on resume (which keeps the records up to the checkpoint's), where the
      // other order, or a torn history.json, would lose epochs from the history for good.
      const historyPath = join(runDir, "history.json");
      await Deno.writeTextFile(`${historyPath}.tmp`, JSON.stringify(history, null, 2));
      await Deno.rename(`${historyPath}.tmp`, historyPath);
      await Deno.writeTextFile(join(runDir, "curves.svg"), curvesSvg(history, valName));
      await saveCheckpoint(checkpointDir, model, optimizer, state);
    }
    if (config.earlyStopPatience > 0 && state.epochsSinceBest >= config.earlyStopPatience) {
      console.error(
        `early stop: no ${valName} improvement in ${state.epochsSinceBest} epochs`,
      );
      break;
    }
  }
  trainer?.dispose();
  if (interrupted && runDir && checkpointDir) {
    await saveCheckpoint(checkpointDir, model, optimizer, state);
    console.error(`interrupted: checkpoint saved in ${checkpointDir}; resume with --resume`);
  }
  if (bestWeights.weights) {
    model.setWeights(bestWeights.weights);
    tf.dispose(bestWeights.weights);
  } else if (runDir && state.best.epoch > 0) {
    // Resumed run whose best epoch came before the resume: take it from disk.
    const { loadLayersModelDir } = await import("../../src/model/io.ts");
    const best = await loadLayersModelDir(join(runDir, "best"));
    model.setWeights(best.getWeights());
    best.dispose();
  }
  return {
    history,
    best: { epoch: state.best.epoch, valAccuracy: Math.max(0, state.best.accuracy) },
    model,
    featureStats: stats,
    interrupted,
  };
}

export type { TrainData };
