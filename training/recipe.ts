/**
 * A training recipe: the ordered steps (train, average, fork, photos, export, set) that made a
 * shipped model,
 * written down as data so that `deno task reproduce` can run them with one command and pick up
 * where it stopped in a later session. `shipped_recipe.ts` holds the one behind `models/default/`.
 *
 * @module
 */

/** Train (or continue) the run folder `run` until it has `epochs` finished epochs. */
export interface TrainStep {
  kind: "train";
  /** Run folder, relative to the recipe's root. */
  run: string;
  /** Total epochs the run has when the step is done (`--epochs`). */
  epochs: number;
  /** Cosine warm restart at this epoch (`--restart-at`). */
  restartAt?: number;
  /** Peak learning rate (`--lr`); the config default when absent. */
  learningRate?: number;
  /**
   * Teacher model folder(s) for `--teacher`, comma-separated; relative paths are resolved against
   * the recipe's root, absolute ones are kept.
   */
  teacher?: string;
  /** Teacher folder(s) of the photo crops (`--photo-teacher`), resolved like `teacher`. */
  photoTeacher?: string;
  /** More train flags for this step only (e.g. `["--seed", "7"]`). */
  flags?: string[];
  /** Model folder, relative to the root, whose weights start the run (`--init-from`). */
  initFrom?: string;
  /**
   * Prepared data folder, relative to the root (a {@link PhotosStep}'s `out`), instead of the
   * runner's `--data`.
   */
  data?: string;
  /**
   * Share of the teacher's scores replaced by FER+ votes (`--ferplus-weight`); the votes file is
   * not part of the recipe but given to the runner (`deno task reproduce --ferplus FILE`).
   */
  ferplusWeight?: number;
}

/** Average the run's kept epochs `from`..`to` into the model folder `out` (`deno task average`). */
export interface AverageStep {
  kind: "average";
  run: string;
  /** First and last epoch (1-based, inclusive). */
  from: number;
  to: number;
  /** Model folder written, relative to the root. */
  out: string;
}

/** Copy run folder `run` to `to`, without its epoch snapshots, exports and teacher cache. */
export interface ForkStep {
  kind: "fork";
  run: string;
  to: string;
}

/**
 * Prepared data for fine-tuning on real photos (`deno task prepare:photos`): the runner's photo
 * folder (`--photos DIR`, with a `labels.csv`) split by person into `folds`, fold `trainFold`'s
 * crops `repeat` times added to a copy of the runner's prepared data, written to `out`.
 */
export interface PhotosStep {
  kind: "photos";
  out: string;
  folds: number;
  trainFold: number;
  repeat: number;
}

/**
 * Export the run's last checkpoint into the model folder `out` (`deno task export --latest`):
 * a run judged at its last epoch, with its own batch-norm statistics (a frozen trunk's included).
 */
export interface ExportStep {
  kind: "export";
  run: string;
  /** Model folder written, relative to the root. */
  out: string;
}

/**
 * Assemble the model folders `members` (relative to the root, averaged with equal weights) into
 * the model set `out` (`deno task make:set`); each member keeps its folder's name in the set.
 */
export interface SetStep {
  kind: "set";
  members: string[];
  out: string;
}

/** One step of a {@link Recipe}. */
export type RecipeStep = TrainStep | AverageStep | ForkStep | PhotosStep | ExportStep | SetStep;

/** An ordered list of steps plus the train flags every train step shares. */
export interface Recipe {
  /** What the recipe makes, for the progress lines. */
  name: string;
  /** Flags added to every train step (e.g. `--keep-prob 0.75 --workers 2`). */
  trainFlags: string[];
  steps: RecipeStep[];
  /** The model folder (relative to the root) that is the recipe's result. */
  result: string;
}

/**
 * Checks a recipe read from JSON (`deno task reproduce --recipe FILE`) and returns it typed;
 * throws naming the first step or field that is wrong.
 */
export function parseRecipe(value: unknown): Recipe {
  const fail = (what: string): never => {
    throw new Error(`recipe: ${what}`);
  };
  const object = (v: unknown, where: string) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? v as Record<string, unknown>
      : fail(`${where} must be an object`);
  const text = (v: unknown, where: string) =>
    typeof v === "string" && v.length > 0 ? v : fail(`${where} must be a non-empty string`);
  const count = (v: unknown, where: string) =>
    Number.isInteger(v) && (v as number) > 0
      ? v as number
      : fail(`${where} must be a whole number > 0`);
  const texts = (v: unknown, where: string) =>
    Array.isArray(v) && v.every((s) => typeof s === "string")
      ? v as string[]
      : fail(`${where} must be a list of strings`);
  const recipe = object(value, "the file");
  const steps = Array.isArray(recipe.steps) && recipe.steps.length > 0
    ? recipe.steps
    : fail("steps must be a non-empty list");
  const parsed: RecipeStep[] = steps.map((raw, i) => {
    const where = `step ${i + 1}`;
    const step = object(raw, where);
    if (step.kind === "photos") {
      const folds = count(step.folds, `${where}.folds`);
      const trainFold = step.trainFold;
      if (
        !Number.isInteger(trainFold) || (trainFold as number) < 0 || trainFold as number >= folds
      ) {
        fail(`${where}.trainFold must be a whole number below folds (${folds})`);
      }
      return {
        kind: "photos",
        out: text(step.out, `${where}.out`),
        folds,
        trainFold: trainFold as number,
        repeat: count(step.repeat, `${where}.repeat`),
      };
    }
    if (step.kind === "set") {
      const members = texts(step.members, `${where}.members`);
      if (members.length < 2) fail(`${where}.members must name two or more model folders`);
      return { kind: "set", members, out: text(step.out, `${where}.out`) };
    }
    const run = text(step.run, `${where}.run`);
    switch (step.kind) {
      case "train": {
        const train: TrainStep = {
          kind: "train",
          run,
          epochs: count(step.epochs, `${where}.epochs`),
        };
        if (step.restartAt !== undefined) {
          train.restartAt = count(step.restartAt, `${where}.restartAt`);
        }
        if (step.learningRate !== undefined) {
          const lr = step.learningRate;
          train.learningRate = typeof lr === "number" && lr > 0
            ? lr
            : fail(`${where}.learningRate must be > 0`);
        }
        if (step.teacher !== undefined) train.teacher = text(step.teacher, `${where}.teacher`);
        if (step.photoTeacher !== undefined) {
          train.photoTeacher = text(step.photoTeacher, `${where}.photoTeacher`);
        }
        if (step.flags !== undefined) train.flags = texts(step.flags, `${where}.flags`);
        if (step.initFrom !== undefined) train.initFrom = text(step.initFrom, `${where}.initFrom`);
        if (step.data !== undefined) train.data = text(step.data, `${where}.data`);
        if (step.ferplusWeight !== undefined) {
          const w = step.ferplusWeight;
          train.ferplusWeight = typeof w === "number" && w > 0 && w <= 1
            ? w
            : fail(`${where}.ferplusWeight must be in (0, 1]`);
        }
        return train;
      }
      case "average": {
        const from = count(step.from, `${where}.from`);
        const to = count(step.to, `${where}.to`);
        if (to < from) fail(`${where}: to (${to}) is before from (${from})`);
        return { kind: "average", run, from, to, out: text(step.out, `${where}.out`) };
      }
      case "fork":
        return { kind: "fork", run, to: text(step.to, `${where}.to`) };
      case "export":
        return { kind: "export", run, out: text(step.out, `${where}.out`) };
      default:
        return fail(
          `${where}.kind must be train, average, fork, photos, export or set, not ${
            JSON.stringify(step.kind)
          }`,
        );
    }
  });
  return {
    name: typeof recipe.name === "string" ? recipe.name : "recipe",
    trainFlags: recipe.trainFlags === undefined ? [] : texts(recipe.trainFlags, "trainFlags"),
    steps: parsed,
    result: text(recipe.result, "result"),
  };
}

/** One line describing a step, e.g. `train default-v1 to epoch 18`. */
export function describeStep(step: RecipeStep): string {
  switch (step.kind) {
    case "train":
      return `train ${step.run} to epoch ${step.epochs}` +
        (step.restartAt !== undefined ? ` (restart at ${step.restartAt})` : "") +
        (step.initFrom ? ` from ${step.initFrom}` : "") +
        (step.data ? ` on ${step.data}` : "") +
        (step.teacher ? ` taught by ${step.teacher}` : "") +
        (step.photoTeacher ? ` (photos by ${step.photoTeacher})` : "") +
        (step.ferplusWeight ? ` with ${step.ferplusWeight * 100}% FER+ votes` : "");
    case "average":
      return `average ${step.run} epochs ${step.from}-${step.to} into ${step.out}`;
    case "fork":
      return `copy ${step.run} to ${step.to}`;
    case "photos":
      return `add fold ${step.trainFold} of ${step.folds} of the photos (x${step.repeat}) into ${step.out}`;
    case "export":
      return `export ${step.run}'s last epoch into ${step.out}`;
    case "set":
      return `set of ${step.members.join(" + ")} into ${step.out}`;
  }
}
