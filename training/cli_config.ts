/**
 * Command-line flags of `deno task train` (and the tools built on it) mapped onto {@link TrainConfig}:
 * `--config FILE` first, then each flag overrides one field.
 *
 * @module
 */
import type { ModelName } from "./models/spec.ts";
import { defaultConfig, mergeConfig, type TrainConfig, validateConfig } from "./config.ts";
import { DEFAULT_SELECTION } from "./selection.ts";
import { defineFlags, parseFlags, UsageError } from "../term/flags.ts";

/** What `deno task train --help` prints. */
export const TRAIN_HELP = `deno task train [flags]

  --model a|b|default     model family (default: default)
  --config FILE           JSON with any TrainConfig fields (flags override it)
  --data DIR              prepared data (default data/prepared)
  --run-dir DIR           run folder: checkpoint/, best/, history.json, curves.svg, export/
  --resume                continue the run in --run-dir from its last checkpoint
  --export-to DIR         also export the final model there (e.g. models/default)
  --epochs N --batch-size N --lr X --optimizer momentum|adam|rmsprop|adagrad|adadelta|sgd
  --optimizer-param X --schedule exponential|step|cosine|plateau|constant --lr-decay X
  --decay-step N --warmup-epochs N --label-smoothing X --keep-prob X --patience N
  --restart-at N          cosine warm restart: from epoch N the rate starts again at --lr
  --init-from DIR         start from an exported model's weights (same architecture)
  --freeze-convs N        keep the first N convolutions at --init-from's weights (a set with
                          that model then runs them once per face)
  --teacher DIR[,DIR]     distil from exported models: their (mean) scores on Training join the targets
  --teacher-weight X      share of the teacher's scores in each target (default 0.5)
  --teacher-tta MODE      none | flip | tencrop views the teacher averages (default flip)
  --teacher-views K       score K transformed copies of each image once and train on them with
                          their own scores (consistent distillation; default 0 = clean images)
  --teacher-rows all|fer2013
                          rows the teacher's scores go into; fer2013 leaves the photo crops that
                          prepare:photos appended on their labels (default all)
  --photo-teacher DIR[,DIR]
                          teacher(s) of those photo crops instead of --teacher
  --teacher-online        score every augmented batch with the teachers inside the training step
                          (their answer for the view the student sees; slower per step)
  --ferplus-weight X      with --ferplus PATH and a teacher: share of the teacher's scores replaced
                          by each Training image's FER+ votes over the 7 classes (default 0)
  --features landmarks,hog|hogWindows  --bn-conv/--no-bn-conv  --bn-dense/--no-bn-dense
  --mirror-symmetric      tie the weights so a face and its mirror image score the same (default model)
  --stage-channels A,B,C,D  channels of the default model's four stages (default 16,32,64,128)
  --no-selection          train on all of Training and choose epochs on PublicTest (as runs did
                          before the Selection split; a resumed run keeps the split it started with)
  --selection-fraction X --selection-seed N
                          the Selection split held out of Training (default 0.1, seed 2013)
  --no-augment --width X --limit N --seed N --quantization uint8|float16|none
  --erase P               random erasing: with probability P a noise rectangle (2-25% of the face)
                          covers part of each training image (default 0 = off)
  --photo P               photo-path degradation: with probability P an image gets a random mix of
                          low resolution, blur, tone change, noise and JPEG artefacts (default 0)
  --workers 1|2           2 = data-parallel on two cores (faster; 1 is bit-reproducible)
  --keep-epochs           keep every epoch's weights in RUN/epochs/ (for deno task average)
  --dry-run               print the resolved config and exit
`;

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
  "freeze-convs": ["freezeConvs", "number"],
  "teacher-weight": ["teacherWeight", "number"],
  "teacher-tta": ["teacherTta", "string"],
  "teacher-views": ["teacherViews", "number"],
  "teacher-rows": ["teacherRows", "string"],
  "photo-teacher": ["photoTeacher", "string"],
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
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} expects a number, got "${value}"`);
  return n;
}

function parseWorkers(value: string): 1 | 2 {
  if (value !== "1" && value !== "2") {
    throw new UsageError(`--workers must be 1 or 2, got "${value}"`);
  }
  return value === "2" ? 2 : 1;
}

const stringOptions = Object.fromEntries(
  Object.keys(FLAGS).map((name) => [name, { type: "string" as const }]),
) as Record<keyof typeof FLAGS, { type: "string" }>;

/** The flags of `deno task train`, with its help. */
export const TRAIN_FLAGS = defineFlags({
  help: TRAIN_HELP,
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
  },
});

/**
 * Parses `args` into a validated config and the run flags. `--help` throws `HelpRequested`; an
 * unknown flag, a bad value or a config that fails validation throws `UsageError`
 * (`term/flags.ts`).
 */
export async function parseTrainArgs(
  args: string[],
): Promise<{ config: TrainConfig; flags: RunFlags }> {
  const { values } = parseFlags(args, TRAIN_FLAGS);
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
      throw new UsageError("--no-selection cannot be combined with --selection-fraction/-seed");
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
  try {
    config = validateConfig(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    config,
    flags: {
      runDir: values["run-dir"],
      resume: values.resume ?? false,
      exportTo: values["export-to"],
      dryRun: values["dry-run"] ?? false,
      workers: parseWorkers(values.workers ?? "1"),
      keepEpochs: values["keep-epochs"] ?? false,
      selectionGiven: values["no-selection"] === true || fraction !== undefined ||
        selectionSeed !== undefined || "selection" in fromFile,
    },
  };
}
