import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../assert.ts";
import { defaultConfig, mergeConfig } from "../../training/config.ts";
import { runTraining } from "../../training/run.ts";
import { syntheticSplit } from "./synthetic.ts";
import { installWasmTrainingKernels, useWasmBackend } from "../../src/engine/mod.ts";

// The training loop runs on the wasm backend with fer-edge's gradient kernels, as `deno task train`
// does (and ~10x faster than cpu, which keeps this test short).
async function wasm(): Promise<void> {
  await useWasmBackend();
  await tf.setBackend("wasm");
  installWasmTrainingKernels();
}

const LABELS = ["a", "b", "c"];

function tinyConfig(epochs: number) {
  return mergeConfig(defaultConfig("default"), {
    width: 0.25,
    epochs,
    batchSize: 16,
    learningRate: 0.01,
    warmupEpochs: 0,
    schedule: "constant",
    keepProb: 1,
    labelSmoothing: 0,
  });
}

Deno.test("training loss decreases and accuracy rises on a learnable tiny set", async () => {
  await wasm();
  const train = syntheticSplit("Training", 48, 3, 1);
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  const result = await runTraining(tinyConfig(4), { train, val, labels: LABELS, progress: false });
  const first = result.history[0];
  const last = result.history[result.history.length - 1];
  assertEquals(result.history.length, 4);
  assertOk(last.trainLoss < first.trainLoss, `loss ${first.trainLoss} -> ${last.trainLoss}`);
  assertOk(result.best.valAccuracy > 0.6, `val accuracy ${result.best.valAccuracy}`);
  result.model.dispose();
});

Deno.test("checkpoint -> resume continues the same history", async () => {
  await wasm();
  const train = syntheticSplit("Training", 32, 3, 3);
  const val = syntheticSplit("PublicTest", 12, 3, 4);
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  try {
    const straight = await runTraining(tinyConfig(3), {
      train,
      val,
      labels: LABELS,
      runDir: dirA,
      progress: false,
    });
    const partial = await runTraining(tinyConfig(2), {
      train,
      val,
      labels: LABELS,
      runDir: dirB,
      progress: false,
    });
    partial.model.dispose();
    const resumed = await runTraining(tinyConfig(3), {
      train,
      val,
      labels: LABELS,
      runDir: dirB,
      resume: true,
      progress: false,
    });
    assertEquals(resumed.history.length, 3);
    for (let e = 0; e < 3; e++) {
      const a = straight.history[e];
      const b = resumed.history[e];
      assertOk(
        Math.abs(a.trainLoss - b.trainLoss) < 1e-4,
        `epoch ${e + 1}: straight loss ${a.trainLoss} vs resumed ${b.trainLoss}`,
      );
      assertOk(Math.abs(a.valAccuracy - b.valAccuracy) < 1e-6);
    }
    straight.model.dispose();
    resumed.model.dispose();
  } finally {
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});

Deno.test("two-core data-parallel training learns the tiny set too", async () => {
  await wasm();
  const train = syntheticSplit("Training", 48, 3, 1);
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  const result = await runTraining(tinyConfig(4), {
    train,
    val,
    labels: LABELS,
    progress: false,
    workers: 2,
  });
  const first = result.history[0];
  const last = result.history[result.history.length - 1];
  assertOk(last.trainLoss < first.trainLoss, `loss ${first.trainLoss} -> ${last.trainLoss}`);
  assertOk(result.best.valAccuracy > 0.6, `val accuracy ${result.best.valAccuracy}`);
  result.model.dispose();
});
