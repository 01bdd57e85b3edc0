/**
 * Measures training and forward-only throughput of a model on the active backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import process from "node:process";
import { DataParallelTrainer } from "../engine/mod.ts";

/** What {@linkcode measureThroughput} measured. */
export interface Throughput {
  /** Training images/s (forward + backward + adam update). */
  trainImagesPerSecond: number;
  /**
   * Training images per second of this process's CPU time: what one otherwise idle core would
   * give (the figure to compare on a loaded machine; V8's helper threads count against it).
   */
  trainImagesPerCpuSecond: number;
  /** Forward-only (inference mode) images/s at the same batch. */
  forwardImagesPerSecond: number;
  /** Forward-only images per second of process CPU time. */
  forwardImagesPerCpuSecond: number;
  /** Batch size used. */
  batch: number;
  /** Timed training steps. */
  steps: number;
}

/** Options for {@linkcode measureThroughput}. */
export interface MeasureOptions {
  batch: number;
  /** Timed training steps (and forward passes). */
  steps: number;
  /** Untimed steps first (operator creation, JIT); run at `warmupBatch`. */
  warmup: number;
  /** Batch of the warm-up steps (a small one keeps slow backends short). */
  warmupBatch?: number;
  /** Called after every step, timed or not. */
  onStep?: () => void;
}

function batchOf(n: number, classes: number, inputShape: number[]): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const xs = tf.randomUniform([n, ...inputShape], 0, 1, "float32", 7);
    const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % classes), "int32");
    return [xs, tf.oneHot(labels, classes).toFloat()];
  });
}

/** Trains `model` (compiled) for warm-up and timed steps on random data; returns images/s. */
export async function measureThroughput(
  model: tf.LayersModel,
  options: MeasureOptions,
): Promise<Throughput> {
  const inputShape = (model.inputs[0].shape as number[]).slice(1);
  const classes = (model.outputs[0].shape as number[]).at(-1)!;
  const [warmX, warmY] = batchOf(options.warmupBatch ?? options.batch, classes, inputShape);
  for (let i = 0; i < options.warmup; i++) {
    await model.trainOnBatch(warmX, warmY);
    options.onStep?.();
  }
  tf.dispose([warmX, warmY]);
  const [xs, ys] = batchOf(options.batch, classes, inputShape);
  let start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < options.steps; i++) {
    await model.trainOnBatch(xs, ys);
    options.onStep?.();
  }
  const trainSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const first = model.predict(xs) as tf.Tensor;
  await first.data();
  first.dispose();
  start = performance.now();
  const forwardCpuStart = process.cpuUsage();
  for (let i = 0; i < options.steps; i++) {
    const out = model.predict(xs) as tf.Tensor;
    await out.data();
    out.dispose();
  }
  const forwardSeconds = (performance.now() - start) / 1000;
  const forwardCpu = process.cpuUsage(forwardCpuStart);
  const forwardCpuSeconds = (forwardCpu.user + forwardCpu.system) / 1e6;
  tf.dispose([xs, ys]);
  const images = options.batch * options.steps;
  return {
    trainImagesPerSecond: images / trainSeconds,
    trainImagesPerCpuSecond: images / trainCpuSeconds,
    forwardImagesPerSecond: images / forwardSeconds,
    forwardImagesPerCpuSecond: images / forwardCpuSeconds,
    batch: options.batch,
    steps: options.steps,
  };
}

/**
 * Training images/s of {@linkcode DataParallelTrainer} (main thread + one worker) on `model`
 * (compiled, wasm active).
 */
export async function measureDataParallel(
  model: tf.LayersModel,
  options: MeasureOptions,
): Promise<number> {
  const inputShape = (model.inputs[0].shape as number[]).slice(1);
  const classes = (model.outputs[0].shape as number[]).at(-1)!;
  const trainer = await DataParallelTrainer.create(model);
  try {
    const [xs, ys] = batchOf(options.batch, classes, inputShape);
    for (let i = 0; i < options.warmup; i++) {
      await trainer.trainOnBatch(xs, ys);
      options.onStep?.();
    }
    const start = performance.now();
    for (let i = 0; i < options.steps; i++) {
      await trainer.trainOnBatch(xs, ys);
      options.onStep?.();
    }
    const seconds = (performance.now() - start) / 1000;
    tf.dispose([xs, ys]);
    return (options.batch * options.steps) / seconds;
  } finally {
    trainer.dispose();
  }
}
