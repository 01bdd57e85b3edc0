/**
 * One search trial in its own process (so trials run in parallel on separate cores and a crash or
 * leak stays inside the trial): reads a full {@link TrainConfig} JSON, trains it on Training with
 * `runTraining`, and writes `{ accuracy, bestEpoch, epochs }` (best Selection epoch; PublicTest for
 * a config without the split) as JSON.
 *
 * `deno run -A training/optimize/trial.ts --config FILE --result FILE [--val-limit N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readManifest } from "../data/cache.ts";
import { setupTrainingBackend } from "../backend.ts";
import { type TrainConfig, validateConfig } from "../config.ts";
import { limitSplit } from "../dataset.ts";
import { runTraining } from "../loop/loop.ts";
import { readRunData } from "../train_data.ts";
import { TargetList } from "../loop/targets.ts";
import { ferPlusTargets } from "../targets/ferplus.ts";
import type { TrialOutcome } from "./search.ts";

/**
 * Trains `config` and returns its best validation accuracy: on Selection when the config has the
 * split (every new one), so the search chooses on it and not on PublicTest.
 */
export async function runTrial(config: TrainConfig, valLimit = 0): Promise<TrialOutcome> {
  validateConfig(config);
  const manifest = await readManifest(config.data);
  const data = await readRunData(config, manifest.labels);
  const val = limitSplit(data.val.split, valLimit);
  const k = data.labels.length;
  const result = await runTraining(config, {
    train: data.train.split,
    val,
    valName: data.val.name,
    labels: data.labels,
    // FER+ mode's votes; a trial trains without a teacher, whatever the base config names.
    targets: new TargetList(
      data.train.softTargets
        ? [ferPlusTargets(data.train.softTargets, data.val.softTargets!.subarray(0, val.count * k))]
        : [],
    ),
    progress: false,
  });
  result.model.dispose();
  return {
    accuracy: result.best.valAccuracy,
    bestEpoch: result.best.epoch,
    epochs: result.history.length,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      config: { type: "string" },
      result: { type: "string" },
      "val-limit": { type: "string", default: "0" },
    },
    strict: true,
  });
  try {
    if (!values.config || !values.result) throw new Error("--config and --result are required");
    await setupTrainingBackend();
    const config = JSON.parse(await Deno.readTextFile(values.config)) as TrainConfig;
    const outcome = await runTrial(config, Number(values["val-limit"]));
    await Deno.writeTextFile(values.result, JSON.stringify(outcome) + "\n");
  } catch (error) {
    console.error(`trial: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
