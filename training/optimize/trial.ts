/**
 * One search trial in its own process (so trials run in parallel on separate cores and a crash or
 * leak stays inside the trial): reads a full {@link TrainConfig} JSON, trains it on Training with
 * `runTraining`, and writes `{ accuracy, bestEpoch, epochs }` (best PublicTest epoch) as JSON.
 *
 * `deno run -A training/optimize/trial.ts --config FILE --result FILE [--val-limit N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readManifest, readPreparedSplit } from "../../src/data/cache.ts";
import { setupTrainingBackend } from "../backend.ts";
import { type TrainConfig, validateConfig } from "../config.ts";
import { limitSplit } from "../dataset.ts";
import { runTraining } from "../run.ts";
import type { TrialOutcome } from "./search.ts";

/** Trains `config` and returns the best PublicTest accuracy. */
export async function runTrial(config: TrainConfig, valLimit = 0): Promise<TrialOutcome> {
  validateConfig(config);
  const manifest = await readManifest(config.data);
  const read = (split: "Training" | "PublicTest") =>
    readPreparedSplit(config.data, split, { features: config.features });
  const train = limitSplit(await read("Training"), config.limit);
  const val = limitSplit(await read(config.validationSplit), valLimit);
  const result = await runTraining(config, {
    train,
    val,
    labels: manifest.labels,
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
