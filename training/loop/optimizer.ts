/**
 * Optimizer construction from the config, and access to the learning rate so the schedule can set
 * it every step.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TrainConfig } from "../config.ts";

/** Creates the configured optimizer (the seed's choices plus plain SGD). */
export function createOptimizer(c: TrainConfig): tf.Optimizer {
  const lr = c.learningRate;
  const p = c.optimizerParam;
  switch (c.optimizer) {
    case "momentum":
      return tf.train.momentum(lr, p);
    case "adam":
      return tf.train.adam(lr, p, 0.999, 1e-7);
    case "rmsprop":
      return tf.train.rmsprop(lr, 0.9, p, 1e-7);
    case "adagrad":
      return tf.train.adagrad(lr);
    case "adadelta":
      return tf.train.adadelta(lr, p);
    case "sgd":
      return tf.train.sgd(lr);
  }
}

/** Sets the learning rate of a tfjs optimizer (all of them keep it in `learningRate`). */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}
