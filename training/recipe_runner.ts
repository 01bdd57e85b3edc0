/**
 * Runs a {@link Recipe} step by step under one root folder. Every step can tell from the disk
 * whether it is done (a train step by its run's `history.json`, every other step by its output
 * folder), so running the same recipe again skips what is finished and continues an interrupted
 * training from its checkpoint: one command, resumed across sessions.
 *
 * Train, average, photos, export and set steps run as `deno run` child processes of the same CLIs
 * a user would call, so their progress bars, Ctrl-C handling and run folders are exactly the
 * documented ones. Outputs that appear in one piece (models, sets, forked runs) go to `NAME.partial`
 * and renamed when complete, so an interrupted step is never mistaken for a finished one.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { describeStep, type Recipe, type RecipeStep } from "./recipe.ts";
import { readRunHistory } from "./loop/history.ts";

/** What a step has done so far. */
export interface StepState {
  done: boolean;
  /** Short human description, e.g. `37/96 epochs`. */
  detail: string;
}

/** Runs `deno run -A SCRIPT ARGS...` (a path under `training/`); resolves to its exit code. */
export type ScriptRunner = (script: string, args: string[]) => Promise<number>;

/** Recipe-independent inputs of {@link stepCommand}. */
export interface StepInputs {
  /** Flags appended to every train step after the recipe's own. */
  extraTrainFlags?: string[];
  /**
   * Prepared data (`--data`) of the train steps without their own `data`, and the base of the
   * photos steps (default `data/prepared`, as train's).
   */
  data?: string;
  /** FER+ votes CSV, required by steps with a `ferplusWeight`. */
  ferplus?: string;
  /** Photo folder with a `labels.csv`, required by photos steps. */
  photos?: string;
}

/** Options of {@link runRecipe}: the steps' inputs (e.g. `--data DIR`, the FER+ votes) and more. */
export interface RunRecipeOptions extends StepInputs {
  /** Folder holding every run and model of the recipe. */
  root: string;
  /** Child-process runner (tests substitute one). */
  runScript?: ScriptRunner;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** Outcome of {@link runRecipe}. */
export interface RecipeOutcome {
  /** Whether every step is done. */
  complete: boolean;
  /** Steps executed by this call (done ones are skipped). */
  executed: number;
  /** The step that failed or was interrupted, with its exit code. */
  stopped?: { step: RecipeStep; code: number };
  /** The result model folder. */
  result: string;
}

/** Entries of a run folder that a fork leaves behind: per-epoch snapshots, exports, teacher cache. */
const FORK_SKIPS = new Set([
  "epochs",
  "export",
  ...["teacher-scores.f32", "teacher-scores.json"],
  ...["photo-teacher-scores.f32", "photo-teacher-scores.json"],
]);

/** Reads from the disk how far `step` has got under `root`. */
export async function stepState(step: RecipeStep, root: string): Promise<StepState> {
  switch (step.kind) {
    case "train": {
      const epochs = await finishedEpochs(join(root, step.run));
      return { done: epochs >= step.epochs, detail: `${epochs}/${step.epochs} epochs` };
    }
    case "average": {
      const done = await exists(join(root, step.out, "fer-model.json"));
      return { done, detail: done ? "written" : "not written" };
    }
    case "fork": {
      const done = await exists(join(root, step.to));
      return { done, detail: done ? "copied" : "not copied" };
    }
    case "photos": {
      const done = await exists(join(root, step.out, "manifest.json"));
      return { done, detail: done ? "prepared" : "not prepared" };
    }
    case "export":
    case "set": {
      const done = await exists(join(root, step.out, "fer-model.json"));
      return { done, detail: done ? "written" : "not written" };
    }
  }
}

/**
 * Throws, naming the first such step, when one of `steps` mixes in FER+ votes but no votes file
 * is given, or adds photos but no photo folder is given.
 */
export function checkStepInputs(steps: readonly RecipeStep[], inputs: StepInputs): void {
  const needs = steps.find((step) => step.kind === "train" && step.ferplusWeight);
  if (needs && !inputs.ferplus) {
    throw new Error(
      `"${describeStep(needs)}" mixes in FER+ votes: pass --ferplus fer2013new.csv ` +
        `(github.com/microsoft/FERPlus, the rows of your fer2013.csv)`,
    );
  }
  const photos = steps.find((step) => step.kind === "photos");
  if (photos && !inputs.photos) {
    throw new Error(
      `"${describeStep(photos)}" needs the photos: pass --photos DIR (a folder with labels.csv)`,
    );
  }
}

/** The child-process command of a step (`undefined` for a fork, which the runner does itself). */
export function stepCommand(
  step: RecipeStep,
  recipe: Recipe,
  root: string,
  inputs: StepInputs = {},
): { script: string; args: string[] } | undefined {
  if (step.kind === "train") {
    const args = ["--run-dir", join(root, step.run), "--resume", "--epochs", String(step.epochs)];
    if (step.restartAt !== undefined) args.push("--restart-at", String(step.restartAt));
    if (step.learningRate !== undefined) args.push("--lr", String(step.learningRate));
    const underRoot = (dirs: string) => dirs.split(",").map((dir) => resolve(root, dir)).join(",");
    if (step.teacher) args.push("--teacher", underRoot(step.teacher));
    if (step.photoTeacher) args.push("--photo-teacher", underRoot(step.photoTeacher));
    if (step.initFrom) args.push("--init-from", resolve(root, step.initFrom));
    const data = step.data ? resolve(root, step.data) : inputs.data;
    if (data) args.push("--data", data);
    if (step.ferplusWeight) {
      checkStepInputs([step], inputs);
      args.push(
        "--ferplus",
        inputs.ferplus!,
        "--ferplus-weight",
        String(step.ferplusWeight),
      );
    }
    return {
      script: "commands/train.ts",
      args: [
        ...args,
        ...recipe.trainFlags,
        ...(step.flags ?? []),
        ...(inputs.extraTrainFlags ?? []),
      ],
    };
  }
  if (step.kind === "photos") {
    checkStepInputs([step], inputs);
    return {
      script: "commands/prepare_photos.ts",
      args: [
        ...["--dir", inputs.photos!, "--base", inputs.data ?? "data/prepared"],
        ...["--out", partial(join(root, step.out)), "--folds", String(step.folds)],
        ...["--train-fold", String(step.trainFold), "--repeat", String(step.repeat)],
      ],
    };
  }
  if (step.kind === "export") {
    return {
      script: "commands/export.ts",
      args: ["--run", join(root, step.run), "--to", partial(join(root, step.out)), "--latest"],
    };
  }
  if (step.kind === "set") {
    return {
      script: "commands/make_set.ts",
      args: [
        ...["--out", partial(join(root, step.out)), "--name", basename(step.out)],
        ...step.members.flatMap((m) => ["--member", join(root, m)]),
      ],
    };
  }
  if (step.kind === "average") {
    return {
      script: "commands/average.ts",
      args: [
        "--run",
        join(root, step.run),
        "--epochs",
        `${step.from}-${step.to}`,
        "--to",
        partial(join(root, step.out)),
      ],
    };
  }
  return undefined;
}

/** Runs every step of `recipe` that is not done yet, in order; stops at the first failure. */
export async function runRecipe(recipe: Recipe, options: RunRecipeOptions): Promise<RecipeOutcome> {
  const log = options.log ?? ((line: string) => console.error(line));
  const runScript = options.runScript ?? runTrainingScript;
  const result = join(options.root, recipe.result);
  checkStepInputs(recipe.steps, options);
  await Deno.mkdir(options.root, { recursive: true });
  let executed = 0;
  for (const [index, step] of recipe.steps.entries()) {
    const label = `[${index + 1}/${recipe.steps.length}] ${describeStep(step)}`;
    const state = await stepState(step, options.root);
    if (state.done) {
      log(`${label}: done (${state.detail})`);
      continue;
    }
    log(`${label}: running (${state.detail})`);
    executed++;
    const code = await executeStep(step, recipe, options, runScript);
    if (code !== 0) {
      log(`${label}: stopped with exit code ${code}; run the same command again to continue`);
      return { complete: false, executed, stopped: { step, code }, result };
    }
  }
  return { complete: true, executed, result };
}

async function executeStep(
  step: RecipeStep,
  recipe: Recipe,
  options: RunRecipeOptions,
  runScript: ScriptRunner,
): Promise<number> {
  const root = options.root;
  if (step.kind === "fork") {
    const target = join(root, step.to);
    await removeIfPresent(partial(target));
    await copyDir(join(root, step.run), partial(target), FORK_SKIPS);
    await Deno.rename(partial(target), target);
    return 0;
  }
  const command = stepCommand(step, recipe, root, options)!;
  // Outputs written in one piece go to NAME.partial first (see the module doc).
  const whole = step.kind === "train" ? undefined : join(root, step.out);
  if (whole) await removeIfPresent(partial(whole));
  const code = await runScript(command.script, command.args);
  if (code === 0 && whole) await Deno.rename(partial(whole), whole);
  if (code === 0 && step.kind === "train") {
    // A run that stopped early (e.g. --patience) exits 0 short of its epochs; going on would
    // average epochs that were never trained.
    const state = await stepState(step, root);
    if (!state.done) return 1;
  }
  return code;
}

/** The default {@link ScriptRunner}: `deno run -A training/SCRIPT` with the project's config. */
export const runTrainingScript: ScriptRunner = async (script, args) => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      new URL("../deno.json", import.meta.url).pathname,
      new URL(`./${script}`, import.meta.url).pathname,
      ...args,
    ],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
};

async function finishedEpochs(runDir: string): Promise<number> {
  try {
    const history = await readRunHistory(runDir);
    return Array.isArray(history) ? history.length : 0;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/** Copies a folder tree, leaving out the top-level entries named in `skip`. */
async function copyDir(from: string, to: string, skip = new Set<string>()): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (skip.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyDir(source, target);
    else await Deno.copyFile(source, target);
  }
}

function partial(path: string): string {
  return `${path}.partial`;
}

/** Whether `path` exists (other errors than not-found are thrown). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  await Deno.remove(path, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}
