import * as tf from "@tensorflow/tfjs";
import { assertOk } from "../../assert.ts";
import { DataParallelTrainer } from "../../../training/engine/mod.ts";
import { seededValues, setupWasmTraining } from "./harness.ts";

await setupWasmTraining();

/** A conv net without batch-norm or dropout, so shard-averaged gradients equal full-batch ones. */
function buildPlainNet(): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({
    inputShape: [12, 12, 1],
    filters: 6,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
  }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({
    units: 7,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
  }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
  return model;
}

Deno.test("data-parallel steps (main thread + worker) follow single-thread training", async () => {
  const n = 10;
  const xs = tf.tensor4d(seededValues(n * 144, 77), [n, 12, 12, 1]);
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 7), "int32"), 7);
  const single = buildPlainNet();
  const parallel = buildPlainNet();
  const trainer = await DataParallelTrainer.create(parallel);
  try {
    for (let step = 0; step < 3; step++) {
      const expected = await single.trainOnBatch(xs, ys) as number;
      const [loss] = await trainer.trainOnBatch(xs, ys);
      assertOk(
        Math.abs(loss - expected) < 1e-4 * Math.abs(expected),
        `step ${step}: ${loss} vs ${expected}`,
      );
    }
    const a = single.getWeights().map((w) => w.dataSync());
    const b = parallel.getWeights().map((w) => w.dataSync());
    a.forEach((wa, i) => {
      for (let j = 0; j < wa.length; j++) {
        assertOk(Math.abs(wa[j] - b[i][j]) < 1e-5, `weight ${i}[${j}]: ${wa[j]} vs ${b[i][j]}`);
      }
    });
  } finally {
    trainer.dispose();
    single.dispose();
    parallel.dispose();
    tf.dispose([xs, ys]);
  }
});

Deno.test("data-parallel training runs a two-input model with batch-norm and dropout", async () => {
  type T = tf.SymbolicTensor;
  const image = tf.input({ shape: [12, 12, 1] });
  const features = tf.input({ shape: [5] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: "same" }).apply(image) as T;
  x = tf.layers.batchNormalization().apply(x) as T;
  x = tf.layers.activation({ activation: "relu" }).apply(x) as T;
  x = tf.layers.flatten().apply(tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as T) as T;
  x = tf.layers.dropout({ rate: 0.3 }).apply(x) as T;
  const merged = tf.layers.concatenate().apply([x, features]) as T;
  const output = tf.layers.dense({ units: 7, activation: "softmax" }).apply(merged) as T;
  const model = tf.model({ inputs: [image, features], outputs: output });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  const n = 9;
  const xs = [
    tf.tensor4d(seededValues(n * 144, 5), [n, 12, 12, 1]),
    tf.tensor2d(seededValues(n * 5, 6), [n, 5]),
  ];
  const ys = tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 7), "int32"), 7);
  const trainer = await DataParallelTrainer.create(model);
  try {
    const before = model.getWeights()[0].dataSync().slice();
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) losses.push((await trainer.trainOnBatch(xs, ys))[0]);
    assertOk(losses.every(Number.isFinite), `losses ${losses}`);
    assertOk(losses[3] < losses[0], `loss did not fall: ${losses}`);
    const after = model.getWeights()[0].dataSync();
    assertOk(after.some((v, i) => v !== before[i]), "weights did not change");
  } finally {
    trainer.dispose();
    model.dispose();
    tf.dispose([...xs, ys]);
  }
});
