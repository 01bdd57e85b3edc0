/**
 * Running one grid cell: the SVM on standardised feature blocks, or Model A/B through the shared
 * training loop (`runTraining`) with the seed's hyperparameters and the cell's features and
 * batch-norm switch. Both train on Training and report accuracy on PublicTest.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { PreparedSplit } from "../data/cache.ts";
import {
  applyStandardizer,
  featureMatrix,
  fitStandardizer,
  PIXELS,
  predictLinearSvm,
  trainLinearSvm,
} from "../svm/mod.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { defaultConfig, mergeConfig, type TrainConfig } from "../config.ts";
import { runTraining } from "../loop/loop.ts";
import { type Cell, cellExpressions } from "./grid.ts";
import { selectExpressions } from "./subset.ts";

/** Compute budget of a grid run; stored with every result so a resume never mixes budgets. */
export interface Budget {
  /** Epochs per CNN cell. */
  epochs: number;
  /** Training images per CNN cell (0 = all). */
  limit: number;
  /** PublicTest images per CNN cell (0 = all; SVM cells always score all of PublicTest). */
  valLimit: number;
  /** Batch size of the CNN cells (the seed's is 128). */
  batchSize: number;
  /** Training images per SVM cell (0 = all). */
  svmLimit: number;
  /** SVM penalty C. */
  svmC: number;
}

/** What a cell produced. */
export interface CellOutcome {
  /** PublicTest accuracy (0..1). */
  accuracy: number;
  /** Training images used. */
  trainCount: number;
  /** PublicTest images scored. */
  valCount: number;
  /** Epochs run (CNN) or the largest number of solver passes over the classes (SVM). */
  epochs: number;
  /** Epoch whose weights were kept (CNN). */
  bestEpoch?: number;
  /** tfjs backend that trained it (CNN). */
  backend?: string;
  /** Anything the reader should know, e.g. SVM classes that hit the pass limit. */
  note?: string;
}

/** A finished cell as logged. */
export interface CellResult extends CellOutcome {
  id: string;
  model: Cell["model"];
  featureSet: string;
  classes: 5 | 7;
  batchNorm: boolean;
  /** Wall-clock seconds of the cell. */
  seconds: number;
  budget: Budget;
  /** ISO time the cell finished. */
  finishedAt: string;
}

/** Training and PublicTest splits with all seven expressions and every feature the grid needs. */
export interface GridData {
  train: PreparedSplit;
  val: PreparedSplit;
}

/** Runs a cell; injectable so the grid driver can be tested without training. */
export type CellRunner = (cell: Cell, data: GridData, budget: Budget) => Promise<CellOutcome>;

function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return labels.length ? correct / labels.length : 0;
}

/** Feature blocks the SVM sees: pixels for the raw row, the features alone otherwise (as the seed). */
export function svmBlocks(cell: Cell): string[] {
  return cell.featureSet.features.length ? cell.featureSet.features : [PIXELS];
}

/** The SVM cell: standardise on Training, one-vs-rest linear SVM, accuracy on PublicTest. */
export function runSvmCell(cell: Cell, data: GridData, budget: Budget): Promise<CellOutcome> {
  const expressions = cellExpressions(cell);
  const train = selectExpressions(data.train, expressions, budget.svmLimit);
  const val = selectExpressions(data.val, expressions);
  const blocks = svmBlocks(cell);
  const a = featureMatrix(train, blocks);
  const b = featureMatrix(val, blocks);
  const scaler = fitStandardizer(a.x, a.count, a.dimension);
  const model = trainLinearSvm(
    applyStandardizer(scaler, a.x),
    a.count,
    a.dimension,
    train.labels,
    expressions.length,
    { c: budget.svmC, seed: 1 },
  );
  const predicted = predictLinearSvm(model, applyStandardizer(scaler, b.x), b.count);
  return Promise.resolve({
    accuracy: accuracyOf(predicted, val.labels),
    trainCount: train.count,
    valCount: val.count,
    epochs: Math.max(...model.passes),
    note: model.converged.every(Boolean)
      ? undefined
      : `${model.converged.filter((c) => !c).length} of ${expressions.length} one-vs-rest ` +
        `problems stopped at the pass limit before the tolerance`,
  });
}

/** The training config of a CNN cell: the seed's Model A/B defaults plus the cell's switches. */
export function cnnConfig(cell: Cell, budget: Budget): TrainConfig {
  if (cell.model === "svm") throw new Error("cnnConfig: the SVM has no training config");
  return mergeConfig(defaultConfig(cell.model), {
    features: [...cell.featureSet.features],
    batchNormConv: cell.batchNorm,
    batchNormDense: cell.batchNorm,
    epochs: budget.epochs,
    limit: budget.limit,
    batchSize: budget.batchSize,
  });
}

/** The CNN cell: `runTraining` on the selected rows; the best PublicTest epoch is reported. */
export async function runCnnCell(
  cell: Cell,
  data: GridData,
  budget: Budget,
  progress = true,
): Promise<CellOutcome> {
  const expressions = cellExpressions(cell);
  const train = selectExpressions(data.train, expressions, budget.limit);
  const val = selectExpressions(data.val, expressions, budget.valLimit);
  const config = cnnConfig(cell, budget);
  const result = await runTraining(config, {
    train,
    val,
    labels: expressions.map((id) => FER_EMOTIONS[id]),
    progress,
  });
  result.model.dispose();
  tf.disposeVariables();
  return {
    accuracy: result.best.valAccuracy,
    trainCount: train.count,
    valCount: val.count,
    epochs: result.history.length,
    bestEpoch: result.best.epoch,
    backend: tf.getBackend(),
  };
}

/** The default runner: SVM or CNN by the cell's model. */
export const runCell: CellRunner = (cell, data, budget) =>
  cell.model === "svm" ? runSvmCell(cell, data, budget) : runCnnCell(cell, data, budget);
