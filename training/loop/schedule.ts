/**
 * Learning rate as a function of progress, for every schedule the config offers. Pure, so a
 * resumed run recomputes exactly the rate it would have had.
 *
 * @module
 */
import type { TrainConfig } from "../config.ts";

/** Where training is: global step (batches done) and epoch as a real number. */
export interface Progress {
  /** Batches completed since the start of training. */
  step: number;
  /** Epochs completed, fractional within an epoch. */
  epoch: number;
}

/**
 * The learning rate for `progress`. `plateauFactor` is the product of the reductions that
 * reduce-on-plateau has applied so far (1 for the other schedules).
 */
export function learningRateAt(c: TrainConfig, progress: Progress, plateauFactor = 1): number {
  const warmup = c.warmupEpochs > 0 ? Math.min(1, (progress.epoch + 1e-9) / c.warmupEpochs) : 1;
  let lr = c.learningRate;
  switch (c.schedule) {
    case "constant":
      break;
    case "exponential":
      lr *= c.learningRateDecay ** Math.floor(progress.step / Math.max(1, c.decayStep));
      break;
    case "step":
      lr *= c.learningRateDecay ** Math.floor(progress.epoch / Math.max(1, c.decayStep));
      break;
    case "cosine": {
      // A restart begins a new cosine at the full rate (SGDR), e.g. to fine-tune a finished run.
      const start = Math.max(c.warmupEpochs, c.restartEpoch);
      const span = Math.max(1e-9, c.epochs - start);
      const t = Math.min(1, Math.max(0, (progress.epoch - start) / span));
      lr *= 0.5 * (1 + Math.cos(Math.PI * t));
      break;
    }
    case "plateau":
      lr *= plateauFactor;
      break;
  }
  return lr * warmup;
}
