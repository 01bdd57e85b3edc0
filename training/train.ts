/**
 * `deno task train`: trains a model on prepared FER2013 data, selects the best epoch on PublicTest,
 * and exports it quantized (see README "deno task train" for every flag).
 *
 * @module
 */
import { join } from "node:path";
import { readManifest, readPreparedSplit } from "../src/data/cache.ts";
import { parseTrainArgs } from "./cli_config.ts";
import { setupTrainingBackend } from "./backend.ts";
import { limitSplit, toTrainData } from "./dataset.ts";
import { runTraining } from "./run.ts";
import { exportModel } from "./export.ts";

const HELP = `deno task train [flags]

  --model a|b|default     model family (default: default)
  --config FILE           JSON with any TrainConfig fields (flags override it)
  --data DIR              prepared data (default data/prepared)
  --run-dir DIR           run folder: checkpoint/, best/, history.json, curves.svg, export/
  --resume                continue the run in --run-dir from its last checkpoint
  --export-to DIR         also export the final model there (e.g. models/default)
  --epochs N --batch-size N --lr X --optimizer momentum|adam|rmsprop|adagrad|adadelta|sgd
  --optimizer-param X --schedule exponential|step|cosine|plateau|constant --lr-decay X
  --decay-step N --warmup-epochs N --label-smoothing X --keep-prob X --patience N
  --features landmarks,hog|hogWindows  --bn-conv/--no-bn-conv  --bn-dense/--no-bn-dense
  --no-augment --width X --limit N --seed N --quantization uint8|float16|none
  --dry-run               print the resolved config and exit
`;

async function main(args: string[]): Promise<number> {
  const { config, flags } = await parseTrainArgs(args);
  if (flags.help) {
    console.log(HELP);
    return 0;
  }
  if (flags.dryRun) {
    console.log(JSON.stringify(config, null, 2));
    return 0;
  }
  if (config.labels === "ferplus") {
    throw new Error("--labels ferplus is not implemented yet (see README, FER+ mode)");
  }
  const manifest = await readManifest(config.data).catch(() => {
    throw new Error(
      `no prepared data in ${config.data}; run \`deno task prepare --csv fer2013.csv\` first`,
    );
  });
  const backend = await setupTrainingBackend();
  const runDir = flags.runDir ??
    join("runs", `${config.model}-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  console.error(`backend ${backend}; run folder ${runDir}`);
  const train = limitSplit(
    await readPreparedSplit(config.data, "Training", { features: config.features }),
    config.limit,
  );
  const val = limitSplit(
    await readPreparedSplit(config.data, config.validationSplit, { features: config.features }),
    config.limit,
  );
  const controller = new AbortController();
  const onInterrupt = () => {
    console.error("\nstopping after this batch (Ctrl-C again to abort without saving)...");
    if (controller.signal.aborted) Deno.exit(130);
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const result = await runTraining(config, {
    train,
    val,
    labels: manifest.labels,
    runDir,
    resume: flags.resume,
    signal: controller.signal,
  });
  Deno.removeSignalListener("SIGINT", onInterrupt);
  if (result.interrupted) return 130;
  console.error(
    `best ${config.validationSplit} accuracy ${(result.best.valAccuracy * 100).toFixed(2)}% ` +
      `at epoch ${result.best.epoch}`,
  );
  const { data: valData } = toTrainData(val, {
    classes: manifest.labels.length,
    features: config.features,
    labelSmoothing: 0,
    stats: result.featureStats,
  });
  const features = config.features.map((name) => ({ name, length: manifest.features[name] ?? 0 }));
  for (const dir of [join(runDir, "export"), flags.exportTo].filter(Boolean) as string[]) {
    const exported = await exportModel(result.model, {
      dir,
      config,
      labels: manifest.labels,
      val: valData,
      valName: config.validationSplit,
      features,
      dataSha256: manifest.source.sha256,
      epochs: result.history.length,
    });
    console.error(
      `exported ${dir}: ${(exported.sizeBytes / 1024).toFixed(0)} KiB ${config.quantization}, ` +
        `${config.validationSplit} float ${(exported.float.accuracy * 100).toFixed(2)}% -> ` +
        `quantized ${(exported.quantized.accuracy * 100).toFixed(2)}%`,
    );
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`train: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
