import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { checkInitFrom, initWeightsFrom } from "../../../training/loop/init_weights.ts";
import { runTraining } from "../../../training/loop/loop.ts";
import { buildModel } from "../../../training/models/mod.ts";
import { saveModelDir } from "../../../src/model/io.ts";
import { syntheticSplit } from "../synthetic.ts";
import { tinyDefaultModel, tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

async function savedTinyModel(seed: number): Promise<{ dir: string; model: tf.LayersModel }> {
  const model = tinyDefaultModel(3, seed);
  const dir = await Deno.makeTempDir({ prefix: "fer-init-" });
  await saveModelDir(model, dir, "none");
  return { dir, model };
}

Deno.test("initWeightsFrom copies an exported model's weights into a fresh build", async () => {
  await useWasmTraining();
  const { dir, model: source } = await savedTinyModel(1);
  const target = tinyDefaultModel(3, 2);
  try {
    const x = tf.randomUniform([4, 48, 48, 1], 0, 1, "float32", 5);
    const before = (target.predict(x) as tf.Tensor).dataSync();
    const expected = (source.predict(x) as tf.Tensor).dataSync();
    assertOk(before.some((v, i) => Math.abs(v - expected[i]) > 1e-4), "seeds gave equal models");
    await initWeightsFrom(target, dir);
    const after = (target.predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < after.length; i++) assertAlmostEquals(after[i], expected[i], 1e-5);
    x.dispose();
  } finally {
    source.dispose();
    target.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("initWeightsFrom refuses another architecture and leaves the weights alone", async () => {
  await useWasmTraining();
  const { dir, model: source } = await savedTinyModel(1);
  const wider = buildModel("default", {
    classes: 3,
    batchNormConv: true,
    batchNormDense: true,
    keepProb: 1,
    width: 0.5,
    seed: 3,
  });
  try {
    const kernel = wider.weights[0].read().dataSync().slice();
    await assertThrows(() => initWeightsFrom(wider, dir), "here but");
    assertEquals(Array.from(wider.weights[0].read().dataSync()), Array.from(kernel));
    await assertThrows(() => initWeightsFrom(wider, `${dir}/missing`), "cannot load");
  } finally {
    source.dispose();
    wider.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run with initFrom starts from those weights, and a resumed one from its checkpoint", async () => {
  await useWasmTraining();
  const { dir, model: source } = await savedTinyModel(7);
  const runDir = await Deno.makeTempDir({ prefix: "fer-init-run-" });
  try {
    const config = tinyTrainConfig({ epochs: 1, learningRate: 1e-7, seed: 99, initFrom: dir });
    const options = {
      train: syntheticSplit("Training", 16, 3, 1),
      val: syntheticSplit("PublicTest", 8, 3, 2),
      labels: ["a", "b", "c"],
      runDir,
      progress: false,
    };
    const first = await runTraining(config, options);
    // A near-zero rate barely moves the first kernel: it is still the source's, not seed 99's.
    const kernel = first.model.weights[0].read().dataSync();
    const expected = source.weights[0].read().dataSync();
    for (let i = 0; i < kernel.length; i++) assertAlmostEquals(kernel[i], expected[i], 1e-4);
    first.model.dispose();
    // Resuming must not overwrite the checkpoint with the source again: move the source away.
    await Deno.remove(`${dir}/model.json`);
    const resumed = await runTraining({ ...config, epochs: 2 }, { ...options, resume: true });
    assertEquals(resumed.history.length, 2);
    resumed.model.dispose();
  } finally {
    source.dispose();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("checkInitFrom accepts an exported model folder and names a folder that is not one", async () => {
  const models = new URL("../../../models/", import.meta.url).pathname;
  await checkInitFrom(`${models}default-v1`);
  await checkInitFrom(`${models}default/fer2013`);
  // The shipped default is a set: a run starts from one of its members.
  await assertThrows(
    () => checkInitFrom(`${models}default`),
    "give one of its members (fer2013, photos)",
  );
  // Weights without fer-model.json: loadable by tfjs, but not an exported fer-edge model.
  const { dir, model } = await savedTinyModel(1);
  try {
    await assertThrows(() => checkInitFrom(dir), "not a model folder");
  } finally {
    model.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
