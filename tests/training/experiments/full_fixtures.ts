/**
 * Fixture run folders for the full-study tests: what `deno task train`, `score_run.ts` and
 * `deno task experiments --models svm` leave on disk, written without training, and a child
 * runner that writes them in place of the real CLIs.
 *
 * @module
 */
import { join } from "node:path";
import { parseTrainArgs } from "../../../training/cli_config.ts";
import { writeManifest } from "../../../training/data/cache.ts";
import type { CellResult } from "../../../training/experiments/cells.ts";
import { appendJsonLine } from "../../../training/experiments/jsonl.ts";
import type { ChildOutcome, ChildRunner } from "../../../training/experiments/full/child.ts";
import type { StudyCell } from "../../../training/experiments/full/cells.ts";
import type { RunPredictions } from "../../../training/experiments/full/score_run.ts";
import { cellRunDir, SVM_C, svmDir } from "../../../training/experiments/full/state.ts";
import type { EpochRecord } from "../../../training/loop/history.ts";

/** A history of `epochs` records whose Selection accuracy peaks at `best`. */
export function fakeHistory(epochs: number, best = epochs): EpochRecord[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    trainLoss: 1,
    trainAccuracy: 0.5,
    valLoss: 1,
    valAccuracy: 0.5 - Math.abs(i + 1 - best) / 100,
    learningRate: 1e-3,
    seconds: 120,
    imagesPerSecond: 200,
  }));
}

/** Writes the manifest of a prepared-data folder (no images) made from a CSV with `sha256`. */
export async function writeFakeData(dir: string, sha256 = "ab".repeat(32)): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeManifest(dir, {
    formatVersion: 1,
    labels: [...CLASS_NAMES[7]],
    expressions: [0, 1, 2, 3, 4, 5, 6],
    splits: {},
    features: {},
    source: { path: "fer2013.csv", bytes: 1, sha256 },
    options: {},
  });
}

/**
 * Writes a train run folder: config.json as the cell's flags resolve, history, a checkpoint whose
 * loop position follows the history (100 steps an epoch), optional export.
 */
export async function writeFakeRun(
  args: string[],
  epochs: number,
  options: { exported?: boolean; best?: number } = {},
): Promise<string> {
  const { config, flags } = await parseTrainArgs(args);
  const dir = flags.runDir!;
  await Deno.mkdir(join(dir, "checkpoint"), { recursive: true });
  await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(config, null, 2));
  const state = { epoch: epochs, batchInEpoch: 0, step: epochs * 100 };
  await Deno.writeTextFile(join(dir, "checkpoint", "state.json"), JSON.stringify(state));
  await Deno.writeTextFile(
    join(dir, "history.json"),
    JSON.stringify(fakeHistory(epochs, options.best)),
  );
  if (options.exported) {
    await Deno.mkdir(join(dir, "export"), { recursive: true });
    await Deno.writeTextFile(join(dir, "export", "fer-model.json"), "{}");
  }
  return dir;
}

/**
 * Predictions for `count` images of `classes` classes: labels cycle; the model is right on the
 * images where `right(i)` holds and names the next class elsewhere.
 */
export function fakePredictions(
  count: number,
  classes: string[],
  right: (i: number) => boolean,
  epoch = 1,
): RunPredictions {
  const items = Array.from({ length: count }, (_, i) => ({
    id: String(i),
    label: classes[i % classes.length],
    predicted: classes[(i + (right(i) ? 0 : 1)) % classes.length],
  }));
  const correct = items.filter((r) => r.label === r.predicted).length;
  return { epoch, accuracy: correct / count, items };
}

/** The 5 and 7 class names of the study. */
export const CLASS_NAMES = {
  5: ["angry", "happy", "sad", "surprise", "neutral"],
  7: ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"],
} as const;

/** Writes a CNN cell's predictions (and per-epoch scores for per-epoch cells). */
export async function writeFakeScores(root: string, cell: StudyCell, p: RunPredictions) {
  const dir = cellRunDir(root, cell);
  await Deno.writeTextFile(join(dir, "publictest.json"), JSON.stringify(p));
  if (cell.perEpoch) await writeFakeEpochScores(root, cell);
}

/** Writes a per-epoch cell's PublicTest score (40%) for every epoch of its history. */
export async function writeFakeEpochScores(root: string, cell: StudyCell) {
  const dir = cellRunDir(root, cell);
  const history = JSON.parse(await Deno.readTextFile(join(dir, "history.json")));
  const scores = history.map((h: EpochRecord) => ({ epoch: h.epoch, accuracy: 0.4 }));
  await Deno.writeTextFile(join(dir, "publictest-epochs.json"), JSON.stringify(scores));
}

/** Appends an SVM cell's result as `deno task experiments` logs it. */
export async function writeFakeSvm(root: string, cell: StudyCell, accuracy: number, svmLimit = 0) {
  await Deno.mkdir(svmDir(root), { recursive: true });
  const result: CellResult = {
    id: cell.id,
    model: "svm",
    featureSet: cell.featureSet.id,
    classes: cell.classes,
    batchNorm: false,
    accuracy,
    trainCount: 100,
    valCount: 50,
    epochs: 30,
    seconds: 60,
    budget: { epochs: 2, limit: 2000, valLimit: 0, batchSize: 128, svmLimit, svmC: SVM_C },
    finishedAt: "2026-12-02T00:00:00.000Z",
  };
  await appendJsonLine(join(svmDir(root), "results.jsonl"), result);
}

/** One call of the fake child runner. */
export interface FakeCall {
  script: string;
  args: string[];
}

/**
 * A child runner that does what each CLI leaves on disk: train writes `--epochs` epochs and an
 * export (or, for the call numbered `stopAt`, 1 epoch and a stop by `stopAs`, SIGTERM unless
 * given); scoring writes the predictions (with `--epochs-only`, only the per-epoch scores); the
 * SVM logs its result.
 */
export function fakeChildren(
  root: string,
  cells: readonly StudyCell[],
  calls: FakeCall[],
  stopAt?: number,
  stopAs: NonNullable<ChildOutcome["stop"]> = "SIGTERM",
): ChildRunner {
  return async (script, args): Promise<ChildOutcome> => {
    calls.push({ script, args });
    const flag = (name: string) => args[args.indexOf(name) + 1];
    if (script === "commands/train.ts") {
      if (calls.length === stopAt) {
        await writeFakeRun(args, 1);
        return { code: 130, stop: stopAs };
      }
      await writeFakeRun(args, Number(flag("--epochs")), { exported: true });
      return { code: 0 };
    }
    if (script === "commands/experiments.ts") {
      const cell = cells.find((c) =>
        c.model === "svm" && c.featureSet.id === flag("--features") &&
        String(c.classes) === flag("--classes")
      )!;
      await writeFakeSvm(root, cell, 0.5);
      return { code: 0 };
    }
    const cell = cells.find((c) => cellRunDir(root, c) === args[0])!;
    if (args.includes("--epochs-only")) {
      await writeFakeEpochScores(root, cell);
      return { code: 0 };
    }
    await writeFakeScores(
      root,
      cell,
      fakePredictions(10, [...CLASS_NAMES[cell.classes]], () => true),
    );
    return { code: 0 };
  };
}
