import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { DataParallelTrainer } from "../../../training/engine/mod.ts";
import { frozenPrefixLength, trainedWeights } from "../../../training/engine/freeze.ts";
import { trainOnBatchHere } from "../../../training/engine/shard_step.ts";
import { seededValues, setupWasmTraining } from "./harness.ts";

await setupWasmTraining();

/**
 * conv-BN-relu-pool twice, then a dense head: the default model's shape in miniature. Without
 * `secondBatchNorm`, only the first block normalises.
 */
function buildNet(seed: number, secondBatchNorm = true): tf.LayersModel {
  type T = tf.SymbolicTensor;
  const input = tf.input({ shape: [8, 8, 1] });
  let x: T = input;
  for (const [i, filters] of [4, 6].entries()) {
    x = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
    }).apply(x) as T;
    if (i === 0 || secondBatchNorm) x = tf.layers.batchNormalization().apply(x) as T;
    x = tf.layers.activation({ activation: "relu" }).apply(x) as T;
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as T;
  }
  x = tf.layers.flatten().apply(x) as T;
  const output = tf.layers.dense({
    units: 3,
    activation: "softmax",
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 9 }),
  }).apply(x) as T;
  return tf.model({ inputs: input, outputs: output });
}

/** Every weight's values (batch-norm averages included), copied out in layer order. */
function snapshot(model: tf.LayersModel): Float32Array[] {
  return model.layers.flatMap((l) => l.weights).map((w) =>
    (w.read().dataSync() as Float32Array).slice()
  );
}

const n = 8;
const batch = () => ({
  xs: tf.tensor4d(seededValues(n * 64, 11), [n, 8, 8, 1]),
  ys: tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), "int32"), 3),
});

Deno.test("frozenPrefixLength covers each convolution with its batch norm, activation and pool", async () => {
  const model = buildNet(1);
  // input, conv, bn, relu, pool | conv, bn, relu, pool | flatten, dense
  assertEquals(frozenPrefixLength(model, 0), 0);
  assertEquals(frozenPrefixLength(model, 1), 5);
  assertEquals(frozenPrefixLength(model, 2), 9);
  await assertThrows(() => frozenPrefixLength(model, 3), "only 2 convolutions");
  model.dispose();
});

Deno.test("a step leaves frozen layers exactly as they were, batch-norm averages included", () => {
  const model = buildNet(1);
  const frozen = frozenPrefixLength(model, 1);
  const frozenCount = model.layers.slice(0, frozen).reduce((k, l) => k + l.weights.length, 0);
  const optimizer = tf.train.adam(0.05);
  const order = model.getWeights().map((w) => w.shape.join("x"));
  const before = snapshot(model);
  const { xs, ys } = batch();
  for (let step = 0; step < 3; step++) trainOnBatchHere(model, optimizer, [xs], ys, frozen);
  const after = snapshot(model);
  // conv kernel and bias, then gamma, beta, moving mean and variance of the first block.
  assertEquals(frozenCount, 6);
  for (let i = 0; i < frozenCount; i++) {
    assertOk(before[i].every((v, j) => v === after[i][j]), `frozen weight ${i} changed`);
  }
  // Everything after the frozen block trains, and its batch-norm averages move.
  for (let i = frozenCount; i < before.length; i++) {
    assertOk(before[i].some((v, j) => v !== after[i][j]), `weight ${i} did not change`);
  }
  // Nothing was reordered: weights still copy by position into a fresh model.
  assertEquals(model.getWeights().map((w) => w.shape.join("x")), order);
  assertEquals(trainedWeights(model, frozen).length, model.trainableWeights.length - 4);
  tf.dispose([xs, ys]);
  model.dispose();
});

Deno.test("the data-parallel worker gets the frozen weights and steps like one thread", async () => {
  const { xs, ys } = batch();
  // Batch norm only in the frozen block, where it is in inference mode: shards then add up to the
  // whole batch exactly, as in the plain data-parallel test.
  const here = buildNet(1, false);
  const parallel = buildNet(1, false);
  // Frozen values that differ from what the worker's fresh replica would initialise itself with.
  const frozen = frozenPrefixLength(here, 1);
  for (const model of [here, parallel]) {
    const first = model.layers[1];
    first.setWeights(first.getWeights().map((w) => tf.mul(w, 3)));
  }
  const optimizer = tf.train.sgd(0.1);
  parallel.compile({ optimizer: tf.train.sgd(0.1), loss: "categoricalCrossentropy" });
  const trainer = await DataParallelTrainer.create(parallel, undefined, frozen);
  try {
    for (let step = 0; step < 2; step++) {
      const [expected] = trainOnBatchHere(here, optimizer, [xs], ys, frozen);
      const [loss] = await trainer.trainOnBatch(xs, ys);
      assertOk(Math.abs(loss - expected) < 1e-4 * expected, `step ${step}: ${loss} vs ${expected}`);
    }
    const a = snapshot(here);
    const b = snapshot(parallel);
    a.forEach((w, i) =>
      w.forEach((v, j) =>
        assertOk(Math.abs(v - b[i][j]) < 1e-5, `weight ${i}[${j}]: ${v} vs ${b[i][j]}`)
      )
    );
  } finally {
    trainer.dispose();
    tf.dispose([xs, ys]);
    here.dispose();
    parallel.dispose();
  }
});
