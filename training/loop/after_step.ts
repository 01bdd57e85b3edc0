/**
 * Work on the model that the loop does after every optimizer step, registered by whoever needs
 * it: the model factory registers the mirror tie's projection for mirror-tied models
 * (`models/mod.ts`, `modelAfterStep`), and a caller of `runTraining` may add its own
 * (`RunOptions.afterStep`). The loop runs each hook once before the first step too, so a fresh,
 * `--init-from` or resumed model starts in the state the hook keeps.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** One piece of after-step work. */
export interface AfterStep {
  /** What it does, for logs and errors. */
  readonly name: string;
  /** Runs after each optimizer step (and once before the first), on the run's model. */
  run(): void;
}

/** Makes an {@link AfterStep} for the run's model once the loop has built it. */
export type AfterStepFactory = (model: tf.LayersModel) => AfterStep;
