/**
 * A training recipe: the ordered steps (train, average, fork) that made a shipped model, written
 * down as data so that `deno task reproduce` can run them with one command and pick up where it
 * stopped in a later session. {@link SHIPPED_RECIPE} is the one behind `models/default/`.
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
  /** Teacher model folder, relative to the root (`--teacher`). */
  teacher?: string;
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

/** One step of a {@link Recipe}. */
export type RecipeStep = TrainStep | AverageStep | ForkStep;

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
 * The recipe of the shipped `models/default/` (README "Shipped model"): 96 epochs of cosine decay
 * with warm restarts at 10, 18 and 56, the mean of epochs 85-96 as teacher of a distillation
 * cycle to epoch 126, whose mean of 106-126 teaches a second cycle to 141; the result is the mean
 * of that cycle's epochs 131-141. About 141 epochs of ~2.2-3 min each on a 2-core machine.
 */
export const SHIPPED_RECIPE: Recipe = {
  name: "default model (models/default)",
  trainFlags: ["--keep-prob", "0.75", "--workers", "2", "--keep-epochs"],
  steps: [
    { kind: "train", run: "default-v1", epochs: 10 },
    { kind: "train", run: "default-v1", epochs: 18 },
    { kind: "train", run: "default-v1", epochs: 56 },
    { kind: "train", run: "default-v1", epochs: 96 },
    { kind: "average", run: "default-v1", from: 85, to: 96, out: "teacher-avg85-96" },
    { kind: "fork", run: "default-v1", to: "kd-v1" },
    {
      kind: "train",
      run: "kd-v1",
      epochs: 126,
      restartAt: 96,
      learningRate: 0.0003,
      teacher: "teacher-avg85-96",
    },
    { kind: "average", run: "kd-v1", from: 106, to: 126, out: "teacher-kd1" },
    { kind: "fork", run: "kd-v1", to: "kd-v2" },
    {
      kind: "train",
      run: "kd-v2",
      epochs: 141,
      restartAt: 126,
      learningRate: 0.0002,
      teacher: "teacher-kd1",
    },
    { kind: "average", run: "kd-v2", from: 131, to: 141, out: "model" },
  ],
  result: "model",
};

/** One line describing a step, e.g. `train default-v1 to epoch 18`. */
export function describeStep(step: RecipeStep): string {
  switch (step.kind) {
    case "train":
      return `train ${step.run} to epoch ${step.epochs}` +
        (step.restartAt !== undefined ? ` (restart at ${step.restartAt})` : "") +
        (step.teacher ? ` taught by ${step.teacher}` : "");
    case "average":
      return `average ${step.run} epochs ${step.from}-${step.to} into ${step.out}`;
    case "fork":
      return `copy ${step.run} to ${step.to}`;
  }
}
