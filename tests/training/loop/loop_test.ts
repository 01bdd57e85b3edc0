import type * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../../assert.ts";
import { runTraining } from "../../../training/loop/loop.ts";
import { syntheticSplit } from "../synthetic.ts";
import { assertSameTraining, tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

const LABELS = ["a", "b", "c"];

Deno.test("training loss decreases and accuracy rises on a learnable tiny set", async () => {
  await useWasmTraining();
  const train = syntheticSplit("Training", 48, 3, 1);
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  const result = await runTraining(tinyTrainConfig({ epochs: 4 }), {
    train,
    val,
    labels: LABELS,
    progress: false,
  });
  const first = result.history[0];
  const last = result.history[result.history.length - 1];
  assertEquals(result.history.length, 4);
  assertOk(last.trainLoss < first.trainLoss, `loss ${first.trainLoss} -> ${last.trainLoss}`);
  assertOk(result.best.valAccuracy > 0.6, `val accuracy ${result.best.valAccuracy}`);
  result.model.dispose();
});

Deno.test("after-step hooks run once before the first step and after every step, on the model", async () => {
  await useWasmTraining();
  const train = syntheticSplit("Training", 40, 3, 5);
  const val = syntheticSplit("PublicTest", 12, 3, 6);
  const seen: { model: tf.LayersModel; weights: number }[] = [];
  let first: tf.LayersModel | undefined;
  const result = await runTraining(tinyTrainConfig({ epochs: 2, batchSize: 16 }), {
    train,
    val,
    labels: LABELS,
    progress: false,
    afterStep: [(model) => {
      first = model;
      return {
        name: "counter",
        run: () => seen.push({ model, weights: model.getWeights()[0].dataSync()[0] }),
      };
    }],
  });
  // 2 epochs of ceil(40 / 16) = 3 batches, plus the run before the first step.
  assertEquals(seen.length, 1 + 2 * 3);
  assertOk(seen.every((s) => s.model === first), "every call sees the run's model");
  // Called after the step: the weight it sees moves from call to call.
  assertOk(new Set(seen.map((s) => s.weights)).size > 1, "the weights changed between calls");
  result.model.dispose();
});

Deno.test("checkpoint -> resume continues the same history", async () => {
  await useWasmTraining();
  const train = syntheticSplit("Training", 32, 3, 3);
  const val = syntheticSplit("PublicTest", 12, 3, 4);
  const dirA = await Deno.makeTempDir();
  const dirB = await Deno.makeTempDir();
  try {
    const straight = await runTraining(tinyTrainConfig({ epochs: 3 }), {
      train,
      val,
      labels: LABELS,
      runDir: dirA,
      progress: false,
    });
    const partial = await runTraining(tinyTrainConfig({ epochs: 2 }), {
      train,
      val,
      labels: LABELS,
      runDir: dirB,
      progress: false,
    });
    partial.model.dispose();
    const resumed = await runTraining(tinyTrainConfig({ epochs: 3 }), {
      train,
      val,
      labels: LABELS,
      runDir: dirB,
      resume: true,
      progress: false,
    });
    assertEquals(resumed.history.length, 3);
    assertSameTraining(straight.history, resumed.history);
    straight.model.dispose();
    resumed.model.dispose();
  } finally {
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});

Deno.test("two-core data-parallel training learns the tiny set too", async () => {
  await useWasmTraining();
  const train = syntheticSplit("Training", 48, 3, 1);
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  const result = await runTraining(tinyTrainConfig({ epochs: 4 }), {
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

Deno.test("a stop inside an epoch resumes to bit-identical weights, on one core and on two", async () => {
  await useWasmTraining();
  const train = syntheticSplit("Training", 64, 3, 3);
  const val = syntheticSplit("PublicTest", 12, 3, 4);
  // Dropout, augmentation and a cosine schedule: every random and step-dependent part in play.
  const config = tinyTrainConfig({
    epochs: 2,
    keepProb: 0.75,
    schedule: "cosine",
    augment: { flip: true, shift: 4, rotate: 10, scale: 0.1 },
  });
  for (const workers of [1, 2] as const) {
    const common = { train, val, labels: LABELS, progress: false, workers };
    const straightDir = await Deno.makeTempDir();
    const stoppedDir = await Deno.makeTempDir();
    try {
      const straight = await runTraining(config, { ...common, runDir: straightDir });
      const stop = new AbortController();
      let runs = 0;
      // The hook runs once before the first step, then after each: abort after step 3 of 4.
      const stopAfterThree = () => ({ name: "stop", run: () => ++runs === 4 && stop.abort() });
      const partial = await runTraining(config, {
        ...common,
        runDir: stoppedDir,
        signal: stop.signal,
        afterStep: [stopAfterThree],
      });
      assertEquals([partial.interrupted, partial.history.length], [true, 0]);
      partial.model.dispose();
      const resumed = await runTraining(config, { ...common, runDir: stoppedDir, resume: true });
      const expected = straight.model.getWeights().map((w) => Array.from(w.dataSync()));
      const got = resumed.model.getWeights().map((w) => Array.from(w.dataSync()));
      assertEquals(got, expected, `workers ${workers}`);
      straight.model.dispose();
      resumed.model.dispose();
    } finally {
      await Deno.remove(straightDir, { recursive: true });
      await Deno.remove(stoppedDir, { recursive: true });
    }
  }
});
