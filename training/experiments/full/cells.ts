/**
 * The cells of the full-budget study (issue 27, `deno task experiments --full`), in the fixed order
 * they run: the SVMs (minutes each), the default network's grid row by row (raw pixels first, so
 * every finished pair of cells completes a row of the table), the second seeds, the seed's Model A
 * and Model B (hours each), and last the optional batch-norm cell. Each CNN cell is one
 * `deno task train` run folder; its flags are written out here so the command in the report is the
 * whole recipe.
 *
 * @module
 */
import { FEATURE_SETS, type FeatureSet } from "../grid.ts";

/** Classifiers of the study. */
export type StudyModel = "svm" | "default" | "a" | "b";

/**
 * Whether a saved record (a ledger entry, a parked run) is of `cell` as the study defines it now:
 * the same id and the same defining flags. A record made under other flags does not count.
 */
export function isSameCell(
  saved: { id: string; flags: readonly string[] },
  cell: Pick<StudyCell, "id" | "flags">,
): boolean {
  return saved.id === cell.id && JSON.stringify(saved.flags) === JSON.stringify(cell.flags);
}

/** One cell of the study. */
export interface StudyCell {
  /** e.g. `default-lm-hog-7-s2`; also the run folder's name under `ROOT/cells/`. */
  id: string;
  model: StudyModel;
  featureSet: FeatureSet;
  classes: 5 | 7;
  /** Training seed (`--seed`; CNN cells). */
  seed: number;
  /** Batch norm after convolutions and dense layers (CNN cells). */
  batchNorm: boolean;
  /** Epochs to train (0 for the SVM). */
  epochs: number;
  /** Score PublicTest after every epoch, not only at the chosen one (Model A and B). */
  perEpoch: boolean;
  /** Part of the study only "if compute allows" (issue 27, item 4). */
  optional: boolean;
  /**
   * Flags that define the cell: of `deno task train` for a CNN cell (run folder, data and workers
   * are added), of `deno task experiments` for an SVM cell (data and results folder are added).
   */
  flags: string[];
}

/** Epochs of every default-network cell (the issue asks for at least 25). */
export const DEFAULT_EPOCHS = 25;
/** The seed's own recipe length for Model A and B (`defaultConfig("a")` in `training/config.ts`). */
export const SEED_MODEL_EPOCHS = 13;
/** Seed of every CNN cell (the config default); {@link SECOND_SEED} for the spread cells. */
export const FIRST_SEED = 42;
/** Seed of the second run of the 7-class raw and + landmarks + HOG cells. */
export const SECOND_SEED = 43;

/**
 * The training recipe of `models/default-v1/` (its fer-model.json training.config) without
 * what only the shipped model has (distillation, mirror tying, warm restarts), so that the cells
 * differ in their inputs only. Augmentation (flip, +-4 px shift, +-10 deg rotation, +-10 % zoom)
 * and batch norm are the default model's config defaults; the rest is spelt out so the logged
 * command is the recipe even if a default changes.
 */
export const DEFAULT_RECIPE_FLAGS: readonly string[] = [
  "--optimizer",
  "adam",
  "--lr",
  "0.0007",
  "--schedule",
  "cosine",
  "--warmup-epochs",
  "1",
  "--batch-size",
  "64",
  "--keep-prob",
  "0.75",
  "--label-smoothing",
  "0.1",
];

/**
 * Flags of every CNN cell: the study reads the float weights, and a float export can never be
 * refused (a uint8 one that loses more than 0.5 pt on PublicTest is, which would stop the cell
 * on every resume).
 */
export const CNN_CELL_FLAGS: readonly string[] = ["--quantization", "none"];

function featureSet(id: string): FeatureSet {
  const set = FEATURE_SETS.find((f) => f.id === id);
  if (!set) throw new Error(`unknown feature set ${id}`);
  return set;
}

function svmCell(set: string, classes: 5 | 7, budget: StudyBudget): StudyCell {
  return {
    id: `svm-${set}-${classes}`,
    model: "svm",
    featureSet: featureSet(set),
    classes,
    seed: 0,
    batchNorm: false,
    epochs: 0,
    perEpoch: false,
    optional: false,
    flags: [
      "--models",
      "svm",
      "--features",
      set,
      "--classes",
      String(classes),
      ...(budget.limit ? ["--svm-limit", String(budget.limit)] : []),
    ],
  };
}

/**
 * A smaller budget for trying the machinery (the real study uses none): every CNN cell's epochs,
 * and at most this many images per split (`--limit`; SVM cells: Training images).
 */
export interface StudyBudget {
  epochs?: number;
  limit?: number;
}

function limitFlags(budget: StudyBudget): string[] {
  return budget.limit ? ["--limit", String(budget.limit)] : [];
}

function defaultCell(
  set: string,
  classes: 5 | 7,
  budget: StudyBudget,
  options: { seed?: number; batchNorm?: boolean; optional?: boolean } = {},
): StudyCell {
  const epochs = budget.epochs ?? DEFAULT_EPOCHS;
  const seed = options.seed ?? FIRST_SEED;
  const batchNorm = options.batchNorm ?? true;
  const fs = featureSet(set);
  const id = `default-${batchNorm ? "" : "nobn-"}${set}-${classes}` +
    (seed === FIRST_SEED ? "" : `-s${seed - FIRST_SEED + 1}`);
  return {
    id,
    model: "default",
    featureSet: fs,
    classes,
    seed,
    batchNorm,
    epochs,
    perEpoch: false,
    optional: options.optional ?? false,
    flags: [
      "--model",
      "default",
      "--epochs",
      String(epochs),
      ...DEFAULT_RECIPE_FLAGS,
      "--seed",
      String(seed),
      ...(fs.features.length ? ["--features", fs.features.join(",")] : []),
      ...(batchNorm ? [] : ["--no-bn-conv", "--no-bn-dense"]),
      ...CNN_CELL_FLAGS,
      ...limitFlags(budget),
    ],
  };
}

/** Model A or B with the seed's recipe (the config defaults of `--model a|b`), raw pixels, 7 classes. */
function seedModelCell(model: "a" | "b", budget: StudyBudget): StudyCell {
  const epochs = budget.epochs ?? SEED_MODEL_EPOCHS;
  return {
    id: `${model}-raw-7`,
    model,
    featureSet: featureSet("raw"),
    classes: 7,
    seed: FIRST_SEED,
    batchNorm: true,
    epochs,
    perEpoch: true,
    optional: false,
    flags: [
      "--model",
      model,
      "--epochs",
      String(epochs),
      "--seed",
      String(FIRST_SEED),
      // Every epoch's weights, so PublicTest can be read at each epoch after the run.
      "--keep-epochs",
      ...CNN_CELL_FLAGS,
      ...limitFlags(budget),
    ],
  };
}

/** Every cell of the study in run order (see the module doc for why this order). */
export function studyCells(budget: StudyBudget = {}): StudyCell[] {
  const rows = FEATURE_SETS.map((f) => f.id);
  return [
    ...([5, 7] as const).flatMap((c) => rows.map((set) => svmCell(set, c, budget))),
    ...rows.flatMap((set) => ([5, 7] as const).map((c) => defaultCell(set, c, budget))),
    defaultCell("raw", 7, budget, { seed: SECOND_SEED }),
    defaultCell("lm-hog", 7, budget, { seed: SECOND_SEED }),
    seedModelCell("a", budget),
    seedModelCell("b", budget),
    defaultCell("raw", 7, budget, { batchNorm: false, optional: true }),
  ];
}

/**
 * The cells named in `only` (ids, comma-separated on the command line), in run order; all cells
 * when `only` is absent. Throws naming an unknown id.
 */
export function selectCells(cells: readonly StudyCell[], only?: readonly string[]): StudyCell[] {
  if (!only) return [...cells];
  const known = new Set(cells.map((c) => c.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new Error(`unknown cell ${unknown.join(", ")} (cells: ${[...known].join(", ")})`);
  }
  return cells.filter((c) => only.includes(c.id));
}
