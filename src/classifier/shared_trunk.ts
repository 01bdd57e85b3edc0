/**
 * Running the steps that several folded plans share only once. A member of a model set that was
 * fine-tuned with its first convolutions frozen (`deno task train --freeze-convs N`) computes
 * what the model it started from computes up to there; {@link sharedStepCount} finds that common
 * start by comparing the plans step by step, and {@link runWithSharedTrunk} runs it once and then
 * each plan's own rest.
 *
 * Weights count as the same when they differ by no more than 1e-5 of their largest magnitude: a
 * frozen layer that went through another uint8 export comes back with its range rounded anew
 * (float32 rounding, ~1e-7 of the range), while one quantization step is 1/255 of it. A weight that
 * changed by one step or more is therefore never shared.
 *
 * @example
 * ```ts
 * const plans = [compileInference(modelA)!, compileInference(modelB)!];
 * const shared = sharedStepCount(plans); // 0 when the plans differ from the first step
 * const [a, b] = tf.tidy(() => runWithSharedTrunk(plans, shared, faces));
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { InferencePlan, PlanStep } from "./fold.ts";
import { SAME_WEIGHT_TOLERANCE, sameWeight } from "../../static/js/shared_trunk.js";

/** The page's weight comparison (`static/js/shared_trunk.js`), so server and page share alike. */
export { SAME_WEIGHT_TOLERANCE, sameWeight };

/** Whether two steps do the same operation with the same weights. */
function sameStep(a: PlanStep, b: PlanStep): boolean {
  return a.op === b.op && a.weights.length === b.weights.length &&
    a.weights.every((w, i) => sameWeight(w, b.weights[i]));
}

/**
 * How many leading steps every plan in `plans` computes identically (same operations, weights the
 * same within {@link SAME_WEIGHT_TOLERANCE}); 0 for fewer than two plans. The last step of the
 * shortest plan is never counted, so every plan keeps a step of its own.
 */
export function sharedStepCount(plans: readonly InferencePlan[]): number {
  if (plans.length < 2) return 0;
  const [first, ...others] = plans;
  const limit = Math.min(...plans.map((p) => p.steps.length)) - 1;
  let count = 0;
  while (
    count < limit && others.every((p) => sameStep(first.steps[count], p.steps[count]))
  ) count++;
  return count;
}

/**
 * Each plan's output for `x`, with the first `shared` steps (see {@link sharedStepCount}) run
 * once, with the first plan's weights. Call inside `tf.tidy`.
 */
export function runWithSharedTrunk(
  plans: readonly InferencePlan[],
  shared: number,
  x: tf.Tensor4D,
): tf.Tensor[] {
  const trunk = plans[0].steps.slice(0, shared).reduce<tf.Tensor>((t, s) => s.run(t), x);
  return plans.map((plan) => plan.steps.slice(shared).reduce<tf.Tensor>((t, s) => s.run(t), trunk));
}
