import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import { withTempDir } from "../temp_dir.ts";
import { MirrorSymmetry } from "../../training/models/mirror_symmetry.ts";
import { buildModel, modelAfterStep } from "../../training/models/mod.ts";
import { runTraining } from "../../training/loop/loop.ts";
import { averageRun } from "../../training/average_run.ts";
import { loadLayersModelDir, readModelMetadata } from "../../src/model/io.ts";
import { exportModel } from "../../training/export.ts";
import { toTrainData } from "../../training/dataset.ts";
import { syntheticSplit, writeSyntheticPrepared } from "./synthetic.ts";
import { tinyDefaultModel, tinyTrainConfig, useWasmTraining } from "./tiny_training.ts";

/** Random batch-norm statistics and affine parameters, so every weight kind matters. */
function randomizeBatchNorm(model: tf.LayersModel, seed: number): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== "BatchNormalization") continue;
    layer.weights.forEach((w, i) => {
      const value = tf.randomUniform(w.shape as number[], 0.5, 1.5, "float32", seed + i);
      w.write(value);
      value.dispose();
    });
  }
}

/** Largest score difference between a batch of faces and the same faces mirrored. */
function mirrorGap(model: tf.LayersModel): number {
  return tf.tidy(() => {
    const faces = tf.randomUniform([6, 48, 48, 1], 0, 1, "float32", 11);
    const plain = model.predict(faces) as tf.Tensor;
    const mirrored = model.predict(tf.reverse(faces, 2)) as tf.Tensor;
    return plain.sub(mirrored).abs().max().dataSync()[0];
  });
}

Deno.test("a tied default model scores a face and its mirror image the same", async () => {
  await useWasmTraining();
  const model = tinyDefaultModel(7, 3);
  randomizeBatchNorm(model, 5);
  const symmetry = MirrorSymmetry.of(model);
  // Every conv kernel and batch-norm weight, and the first dense kernel, has a partner.
  assertEquals(symmetry.tiedWeights, 8 + 8 * 4 + 1);
  assertOk(mirrorGap(model) > 1e-3, "an untied model should see the difference");
  assertOk(symmetry.maxAsymmetry() > 1e-3);
  symmetry.project();
  assertOk(mirrorGap(model) < 1e-5, `gap ${mirrorGap(model)}`);
  assertEquals(symmetry.maxAsymmetry(), 0);
  model.dispose();
});

Deno.test("projecting a tied model again leaves its weights unchanged", async () => {
  await useWasmTraining();
  const model = tinyDefaultModel(7, 4);
  const symmetry = MirrorSymmetry.of(model);
  symmetry.project();
  const before = model.getWeights().map((w) => w.dataSync().slice());
  symmetry.project();
  model.getWeights().forEach((w, i) =>
    assertEquals(Array.from(w.dataSync()), Array.from(before[i]))
  );
  model.dispose();
});

Deno.test("a mirror-tied model registers the projection as its after-step work; others none", async () => {
  await useWasmTraining();
  const model = tinyDefaultModel(7, 6);
  assertEquals(modelAfterStep(model, { mirrorSymmetric: false }), []);
  const hooks = modelAfterStep(model, { mirrorSymmetric: true });
  assertEquals(hooks.map((h) => h.name), ["mirror tie"]);
  assertOk(MirrorSymmetry.of(model).maxAsymmetry() > 1e-3, "starts untied");
  hooks[0].run();
  assertEquals(MirrorSymmetry.of(model).maxAsymmetry(), 0);
  model.dispose();
});

Deno.test("mirror symmetry refuses models it cannot tie, naming the reason", async () => {
  await useWasmTraining();
  const options = { classes: 7, batchNormConv: true, batchNormDense: true, keepProb: 1, seed: 1 };
  const withFeatures = buildModel("default", { ...options, width: 0.25, featureLength: 72 });
  await assertThrows(() => MirrorSymmetry.of(withFeatures), "single-input");
  const modelA = buildModel("a", options);
  await assertThrows(() => MirrorSymmetry.of(modelA), "must tile");
  const odd = buildModel("default", { ...options, width: 0.3 });
  await assertThrows(() => MirrorSymmetry.of(odd), "an even count");
  for (const model of [withFeatures, modelA, odd]) model.dispose();
});

Deno.test("a --mirror-symmetric run stays tied through training, averaging and export", async () => {
  await useWasmTraining();
  await withTempDir("fer-mirror-", async (dir) => {
    const labels = ["a", "b", "c"];
    const train = syntheticSplit("Training", 48, 3, 31);
    const val = syntheticSplit("PublicTest", 24, 3, 32);
    const data = join(dir, "prepared");
    await writeSyntheticPrepared(data, [train, val], labels);
    const runDir = join(dir, "run");
    const config = tinyTrainConfig({ data, mirrorSymmetric: true, quantization: "uint8" });
    const result = await runTraining(config, {
      train,
      val,
      labels,
      runDir,
      keepEpochs: true,
      progress: false,
    });
    assertOk(result.history[2].trainLoss < result.history[0].trainLoss, "it still learns");
    assertOk(mirrorGap(result.model) < 1e-5, `trained gap ${mirrorGap(result.model)}`);
    result.model.dispose();
    const to = join(dir, "averaged");
    await averageRun({ run: runDir, epochs: [2, 3], to, progress: false });
    const exported = await loadLayersModelDir(to);
    assertOk(mirrorGap(exported) < 1e-5, `exported gap ${mirrorGap(exported)}`);
    exported.dispose();
    // fer-model.json says so, which lets the server skip flip views.
    assertEquals((await readModelMetadata(to)).mirrorSymmetric, true);

    // An export that claims a tie the weights do not have is refused before anything is written.
    const untied = tinyDefaultModel(3, 9);
    const { data: valData } = toTrainData(val, { classes: 3, features: [], labelSmoothing: 0 });
    await assertThrows(
      () =>
        exportModel(untied, {
          dir: join(dir, "untied"),
          config,
          labels,
          val: valData,
          valName: "PublicTest",
          features: [],
          epochs: 1,
        }),
      "not tied",
    );
    untied.dispose();
  });
});
