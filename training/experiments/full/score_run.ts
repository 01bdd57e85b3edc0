/**
 * PublicTest predictions of a finished training run, per image, for the study's paired tests:
 * the chosen (best Selection) epoch's float weights from `RUN/best/`, and with `--per-epoch`
 * every epoch kept in `RUN/epochs/` (Model A and B, whose PublicTest the study reports by
 * epoch). Feature inputs are standardised with the statistics of the run's own training images,
 * as in training (an exported model does not store them, so `evaluate` and `compare` would use
 * the scored split's own); the chosen epoch's accuracy must therefore equal the float figure
 * `deno task train` exported, which is checked.
 *
 * Run as a child of the study: `deno run -A training/experiments/full/score_run.ts RUN
 * [--per-epoch | --epochs-only]` (`--epochs-only`: only the kept epochs of a stopped run, see
 * {@link scoreKeptEpochs}). Files are written whole and renamed, so an interruption never leaves a
 * partial one; `publictest.json` is written last and marks the run as scored.
 *
 * @module
 */
import { join } from "node:path";
import { readManifest } from "../../data/cache.ts";
import { loadLayersModelDir, readModelMetadata } from "../../../src/model/io.ts";
import { runMain } from "../../../term/run_main.ts";
import { setupTrainingBackend } from "../../backend.ts";
import { toTrainData } from "../../dataset.ts";
import { readRunHistory } from "../../loop/history.ts";
import { argmaxRows } from "../../metrics.ts";
import { predictScores } from "../../predict_batches.ts";
import { readRunConfig } from "../../run_folder.ts";
import { epochFolderName, EPOCHS_DIR } from "../../loop/loop.ts";
import { PIXEL_SCALE } from "../../../src/face.ts";
import { readRunData } from "../../train_data.ts";
import type { PairRecord } from "../../compare/pairs.ts";

/** `RUN/publictest.json`: the chosen epoch's answer per PublicTest image (`compare --pairs`). */
export interface RunPredictions {
  /** The epoch whose weights were scored (the best on Selection). */
  epoch: number;
  /** Share of `items` predicted right. */
  accuracy: number;
  /** One record per PublicTest image, `id` its row in the prepared split. */
  items: PairRecord[];
}

/** One epoch's PublicTest accuracy (`RUN/publictest-epochs.json`). */
export interface EpochScore {
  epoch: number;
  accuracy: number;
}

/** Predictions file of a run folder. */
export const PREDICTIONS_FILE = "publictest.json";
/** Per-epoch PublicTest file of a run folder. */
export const EPOCH_SCORES_FILE = "publictest-epochs.json";

/** Writes `value` as JSON to `path` via a temporary file and a rename. */
export async function writeJsonWhole(path: string, value: unknown): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(value) + "\n");
  await Deno.rename(`${path}.tmp`, path);
}

/** Reads a JSON file, or `undefined` when it does not exist. */
export async function readJsonIfPresent<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** A run's PublicTest split, standardised as in training, and how weights score on it. */
async function runScorer(runDir: string) {
  const config = await readRunConfig(runDir);
  const manifest = await readManifest(config.data);
  const data = await readRunData(config, manifest.labels);
  const classes = data.labels.length;
  const common = { classes, features: config.features, labelSmoothing: 0 };
  const { stats } = toTrainData(data.train.split, common);
  const { data: report } = toTrainData(data.report.split, { ...common, stats });
  /** The predicted class per PublicTest image of the weights in `dir`. */
  const predict = async (dir: string) => {
    const model = await loadLayersModelDir(dir);
    try {
      return argmaxRows(predictScores(model, report, PIXEL_SCALE), classes);
    } finally {
      model.dispose();
    }
  };
  const accuracyOf = (predicted: ArrayLike<number>) => {
    let right = 0;
    for (let i = 0; i < report.count; i++) if (predicted[i] === report.labels[i]) right++;
    return right / report.count;
  };
  return { labels: data.labels, report, predict, accuracyOf };
}

type RunScorer = Awaited<ReturnType<typeof runScorer>>;

/**
 * Scores, from `RUN/epochs/`, each epoch of the run's history that `RUN/publictest-epochs.json`
 * lacks; returns every score.
 */
async function scoreEpochs(
  runDir: string,
  scorer: RunScorer,
  log: (line: string) => void,
): Promise<EpochScore[]> {
  const path = join(runDir, EPOCH_SCORES_FILE);
  const scores = await readJsonIfPresent<EpochScore[]>(path) ?? [];
  for (const { epoch } of await readRunHistory(runDir)) {
    if (scores.some((s) => s.epoch === epoch)) continue;
    const dir = join(runDir, EPOCHS_DIR, epochFolderName(epoch));
    const accuracy = scorer.accuracyOf(await scorer.predict(dir));
    scores.push({ epoch, accuracy });
    scores.sort((a, b) => a.epoch - b.epoch);
    await writeJsonWhole(path, scores);
    log(`${runDir}: epoch ${epoch} PublicTest ${(accuracy * 100).toFixed(2)}%`);
  }
  return scores;
}

const stderrLine = (line: string) => console.error(line);

/**
 * PublicTest by epoch of the epochs `runDir` kept so far, for a run that has not finished (Model
 * A or B, before the study parks it); epochs already scored are kept. Returns every score.
 */
export async function scoreKeptEpochs(
  runDir: string,
  options: { log?: (line: string) => void } = {},
): Promise<EpochScore[]> {
  return await scoreEpochs(runDir, await runScorer(runDir), options.log ?? stderrLine);
}

/** Scores `runDir` (see the module doc); returns the chosen epoch's predictions. */
export async function scoreRun(
  runDir: string,
  options: { perEpoch?: boolean; log?: (line: string) => void } = {},
): Promise<RunPredictions> {
  const log = options.log ?? stderrLine;
  const scorer = await runScorer(runDir);
  const { report, predict, accuracyOf, labels } = scorer;
  if (options.perEpoch) await scoreEpochs(runDir, scorer, log);
  const predicted = await predict(join(runDir, "best"));
  const accuracy = accuracyOf(predicted);
  const exported = await readModelMetadata(join(runDir, "export"));
  const epoch = exported.training?.epochs ?? 0;
  const float = exported.metrics?.float?.accuracy;
  if (float === undefined || Math.abs(float - accuracy) > 1e-9) {
    throw new Error(
      `${runDir}: best/ scores ${(accuracy * 100).toFixed(2)}% on PublicTest but export/ ` +
        `recorded ${float === undefined ? "nothing" : `${(float * 100).toFixed(2)}%`} float`,
    );
  }
  const result: RunPredictions = {
    epoch,
    accuracy,
    items: Array.from(predicted, (p, i) => ({
      id: String(i),
      label: labels[report.labels[i]],
      predicted: labels[p],
    })),
  };
  await writeJsonWhole(join(runDir, PREDICTIONS_FILE), result);
  log(`${runDir}: epoch ${epoch} PublicTest ${(accuracy * 100).toFixed(2)}% (${report.count})`);
  return result;
}

async function main(args: string[]): Promise<number> {
  const runDir = args.find((a) => !a.startsWith("--"));
  const known = ["--per-epoch", "--epochs-only"];
  if (!runDir || args.some((a) => a.startsWith("--") && !known.includes(a))) {
    console.error("usage: score_run.ts RUN [--per-epoch | --epochs-only]");
    return 2;
  }
  await setupTrainingBackend();
  if (args.includes("--epochs-only")) {
    await scoreKeptEpochs(runDir);
  } else {
    await scoreRun(runDir, { perEpoch: args.includes("--per-epoch") });
  }
  return 0;
}

if (import.meta.main) await runMain("score_run", main);
