/**
 * Command-line flags of `deno task train` (and the tools built on it) mapped onto {@link TrainConfig}:
 * `--config FILE` first, then each flag overrides one field.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { ModelName } from "./models/spec.ts";
import { defaultConfig, mergeConfig, type TrainConfig, validateConfig } from "./config.ts";
import { DEFAULT_SELECTION } from "./selection.ts";

/** Flag name -> config field and type. */
const FLAGS = {
  "width": ["width", "number"],
  "stage-channels": ["stageChannels", "numbers"],
  "data": ["data", "string"],
  "labels": ["labels", "string"],
  "ferplus": ["ferplus", "string"],
  "ferplus-weight": ["ferplusWeight", "number"],
  "features": ["features", "list"],
  "keep-prob": ["keepProb", "number"],
  "optimizer": ["optimizer", "string"],
  "lr": ["learningRate", "number"],
  "learning-rate": ["learningRate", "number"],
  "optimizer-param": ["optimizerParam", "number"],
  "schedule": ["schedule", "string"],
  "lr-decay": ["learningRateDecay", "number"],
  "decay-step": ["decayStep", "number"],
  "warmup-epochs": ["warmupEpochs", "number"],
  "restart-at": ["restartEpoch", "number"],
  "teacher": ["teacher", "string"],
  "init-from": ["initFrom", "string"],
  "teacher-weight": ["teacherWeight", "number"],
  "teacher-tta": ["teacherTta", "string"],
  "teacher-views": ["teacherViews", "number"],
  "epochs": ["epochs", "number"],
  "batch-size": ["batchSize", "number"],
  "label-smoothing": ["labelSmoothing", "number"],
  "patience": ["earlyStopPatience", "number"],
  "limit": ["limit", "number"],
  "seed": ["seed", "number"],
  "quantization": ["quantization", "string"],
} as const;

/** Flags that are not config fields. */
export interface RunFlags {
  /** Run folder (checkpoints, history, curves, export). */
  runDir?: string;
  /** Continue the run in `runDir`. */
  resume: boolean;
  /** Also copy the export here (e.g. `models/default`). */
  exportTo?: string;
  /** Print the resolved config and exit. */
  dryRun: boolean;
  /** Print help and exit. */
  help: boolean;
  /** Training threads: 1 (reproducible) or 2 (data-parallel). */
  workers: 1 | 2;
  /** Keep every epoch's weights in `runDir/epochs/` for weight averaging. */
  keepEpochs: boolean;
  /**
   * The Selection split was asked for explicitly (`--no-selection`, `--selection-fraction`,
   * `--selection-seed`, or `selection` in the `--config` file), so a resumed run must match it.
   */
  selectionGiven: boolean;
}

function parseNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${flag} expects a number, got "${value}"`);
  return n;
}

function parseWorkers(value: string): 1 | 2 {
  if (value !== "1" && value !== "2") throw new Error(`--workers must be 1 or 2, got "${value}"`);
  return value === "2" ? 2 : 1;
}

/** Parses `args` into a validated config and the run flags. */
export async function parseTrainArgs(
  args: string[],
): Promise<{ config: TrainConfig; flags: RunFlags }> {
  const stringOptions: Record<string, { type: "string" }> = {};
  for (const name of Object.keys(FLAGS)) stringOptions[name] = { type: "string" };
  const { values } = parseArgs({
    args,
    options: {
      ...stringOptions,
      "model": { type: "string" },
      "config": { type: "string" },
      "run-dir": { type: "string" },
      "export-to": { type: "string" },
      "workers": { type: "string", default: "1" },
      "resume": { type: "boolean", default: false },
      "keep-epochs": { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      "bn-conv": { type: "boolean" },
      "no-bn-conv": { type: "boolean" },
      "bn-dense": { type: "boolean" },
      "no-bn-dense": { type: "boolean" },
      "mirror-symmetric": { type: "boolean" },
      "teacher-online": { type: "boolean" },
      "augment": { type: "boolean" },
      "erase": { type: "string" },
      "photo": { type: "string" },
      "no-augment": { type: "boolean" },
      "no-selection": { type: "boolean" },
      "selection-fraction": { type: "string" },
      "selection-seed": { type: "string" },
      "help": { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  let fromFile: Partial<TrainConfig> = {};
  if (values.config) fromFile = JSON.parse(await Deno.readTextFile(values.config));
  const model = (values.model ?? fromFile.model ?? "default") as ModelName;
  let config = mergeConfig(defaultConfig(model), { ...fromFile, model });
  const patch: Record<string, unknown> = {};
  for (const [flag, [field, type]] of Object.entries(FLAGS)) {
    const raw = (values as Record<string, unknown>)[flag] as string | undefined;
    if (raw === undefined) continue;
    patch[field] = type === "number"
      ? parseNumber(flag, raw)
      : type === "list"
      ? raw.split(",").map((s) => s.trim()).filter(Boolean)
      : type === "numbers"
      ? raw.split(",").map((s) => parseNumber(flag, s.trim()))
      : raw;
  }
  if (values["bn-conv"]) patch.batchNormConv = true;
  if (values["no-bn-conv"]) patch.batchNormConv = false;
  if (values["bn-dense"]) patch.batchNormDense = true;
  if (values["no-bn-dense"]) patch.batchNormDense = false;
  if (values["mirror-symmetric"]) patch.mirrorSymmetric = true;
  if (values["teacher-online"]) patch.teacherOnline = true;
  config = mergeConfig(config, patch as Partial<TrainConfig>);
  // Replaced, not merged: every kind of augmentation goes, erasing set in a --config file included.
  if (values["no-augment"]) config.augment = { flip: false, shift: 0, rotate: 0, scale: 0 };
  if (values.erase !== undefined) {
    config.augment = { ...config.augment, erase: parseNumber("erase", values.erase) };
  }
  if (values.photo !== undefined) {
    config.augment = { ...config.augment, photo: parseNumber("photo", values.photo) };
  }
  const fraction = values["selection-fraction"];
  const selectionSeed = values["selection-seed"];
  if (values["no-selection"]) {
    if (fraction !== undefined || selectionSeed !== undefined) {
      throw new Error("--no-selection cannot be combined with --selection-fraction/-seed");
    }
    delete config.selection;
  } else if (fraction !== undefined || selectionSeed !== undefined) {
    config.selection = {
      ...(config.selection ?? DEFAULT_SELECTION),
      ...(fraction !== undefined ? { fraction: parseNumber("selection-fraction", fraction) } : {}),
      ...(selectionSeed !== undefined
        ? { seed: parseNumber("selection-seed", selectionSeed) }
        : {}),
    };
  }
  config = validateConfig(config);
  return {
    config,
    flags: {
      runDir: values["run-dir"],
      resume: values.resume ?? false,
      exportTo: values["export-to"],
      dryRun: values["dry-run"] ?? false,
      help: values.help ?? false,
      workers: parseWorkers(values.workers ?? "1"),
      keepEpochs: values["keep-epochs"] ?? false,
      selectionGiven: values["no-selection"] === true || fraction !== undefined ||
        selectionSeed !== undefined || "selection" in fromFile,
    },
  };
}
