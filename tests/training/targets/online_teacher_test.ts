import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { makeBatch, toTrainData } from "../../../training/dataset.ts";
import { OnlineTeacher } from "../../../training/targets/online_teacher.ts";
import { cachedTeacher } from "../../../training/targets/distill.ts";
import { TargetList } from "../../../training/loop/targets.ts";
import { predictScores } from "../../../training/predict_batches.ts";
import { runTraining } from "../../../training/loop/loop.ts";
import { loadModelDir, saveModelDir } from "../../../src/model/io.ts";
import { FER_INPUT } from "../../../src/model/metadata.ts";
import { FER_EMOTIONS, PIXEL_SCALE } from "../../../src/face.ts";
import { tinyMetadata, writeTinyModelDir } from "../../classifier/tiny_model.ts";
import { syntheticSplit } from "../synthetic.ts";
import { countNamingNextClass, tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

const FER = { labels: [...FER_EMOTIONS], features: [] };

/** Saves `dir`'s model again with its output kernel doubled and `extra` metadata fields. */
async function variantOf(dir: string, extra: Record<string, unknown>): Promise<string> {
  const { model } = await loadModelDir(dir);
  const out = await Deno.makeTempDir({ prefix: "fer-online-variant-" });
  try {
    model.setWeights(model.getWeights().map((w, i, all) => (i === all.length - 2 ? w.mul(2) : w)));
    await saveModelDir(model, out, "none", { ...tinyMetadata(), ...extra });
  } finally {
    model.dispose();
  }
  return out;
}

Deno.test("an online teacher scores a batch as the cached path does: flip views, ensemble mean", async () => {
  await useWasmTraining();
  const untied = await writeTinyModelDir();
  const tied = await variantOf(untied, { mirrorSymmetric: true });
  const split = syntheticSplit("Training", 10, 7, 3);
  const { data } = toTrainData(split, { classes: 7, features: [], labelSmoothing: 0 });
  const batch = makeBatch(data, Array.from({ length: 10 }, (_, i) => i), PIXEL_SCALE);
  const teachers: OnlineTeacher[] = [];
  try {
    const flip = await OnlineTeacher.load([untied], { ...FER, tta: "flip" });
    const none = await OnlineTeacher.load([untied], { ...FER, tta: "none" });
    const both = await OnlineTeacher.load([untied, tied], { ...FER, tta: "flip" });
    teachers.push(flip, none, both);
    // A mirror-tied member skips its flip view: 2 + 1 passes.
    assertEquals([flip.passes, none.passes, both.passes], [2, 1, 3]);

    const { model } = await loadModelDir(untied);
    const expectedFlip = predictScores(model, data, PIXEL_SCALE, 256, "flip");
    const expectedNone = predictScores(model, data, PIXEL_SCALE, 256, "none");
    model.dispose();
    const { model: second } = await loadModelDir(tied);
    const secondNone = predictScores(second, data, PIXEL_SCALE, 256, "none");
    second.dispose();

    const got = (teacher: OnlineTeacher) => {
      const scores = teacher.scores(batch.inputs);
      const values = scores.dataSync();
      scores.dispose();
      return values;
    };
    const flipScores = got(flip);
    const noneScores = got(none);
    const bothScores = got(both);
    for (let i = 0; i < 70; i++) {
      assertAlmostEquals(flipScores[i], expectedFlip[i], 1e-5);
      assertAlmostEquals(noneScores[i], expectedNone[i], 1e-5);
      assertAlmostEquals(bothScores[i], (expectedFlip[i] + secondNone[i]) / 2, 1e-5);
    }
    assertOk(flipScores.some((v, i) => Math.abs(v - noneScores[i]) > 1e-4), "flip changed nothing");

    const mixed = flip.mixInto(batch.targets, batch.inputs, 0.25);
    const targets = batch.targets.dataSync();
    const mixedValues = mixed.dataSync();
    for (let i = 0; i < 70; i++) {
      assertAlmostEquals(mixedValues[i], 0.75 * targets[i] + 0.25 * expectedFlip[i], 1e-5);
    }
    mixed.dispose();
  } finally {
    teachers.forEach((teacher) => teacher.dispose());
    tf.dispose([...batch.inputs, batch.targets]);
    for (const dir of [untied, tied]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an online teacher refuses other classes, features or pixel scaling", async () => {
  await useWasmTraining();
  const dir = await writeTinyModelDir();
  const scaled = await variantOf(dir, { input: { ...FER_INPUT, scale: 2 / 255 } });
  try {
    const tta = "none" as const;
    await assertThrows(
      () => OnlineTeacher.load([dir], { labels: ["a", "b"], features: [], tta }),
      "predicts",
    );
    await assertThrows(
      () => OnlineTeacher.load([dir], { labels: FER.labels, features: ["hog"], tta }),
      "features",
    );
    await assertThrows(() => OnlineTeacher.load([dir, scaled], { ...FER, tta }), "scales pixels");
    await assertThrows(() => OnlineTeacher.load([], { ...FER, tta }), "at least one");
  } finally {
    for (const d of [dir, scaled]) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("a student taught online by a teacher alone learns the teacher's answers, not the labels", async () => {
  await useWasmTraining();
  const labels = ["a", "b", "c"];
  const train = syntheticSplit("Training", 48, 3, 1);
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  // The teacher learns to name the next class after the true one.
  const next = (split: typeof train) => ({
    ...split,
    labels: split.labels.map((label) => (label + 1) % 3),
  });
  const plain = { flip: false, shift: 0, rotate: 0, scale: 0 };
  const teacherRun = await runTraining(tinyTrainConfig({ epochs: 8, augment: plain }), {
    train: next(train),
    val: next(val),
    labels,
    progress: false,
  });
  const teacherDir = await Deno.makeTempDir({ prefix: "fer-online-teacher-" });
  let teacher: OnlineTeacher | undefined;
  try {
    await saveModelDir(teacherRun.model, teacherDir, "none", { ...tinyMetadata(), labels });
    teacherRun.model.dispose();
    assertOk(teacherRun.best.valAccuracy > 0.8, `teacher at ${teacherRun.best.valAccuracy}`);
    teacher = await OnlineTeacher.load([teacherDir], { labels, features: [], tta: "flip" });
    // Augmentation on, so every step's views are new ones only the online teacher has seen.
    const result = await runTraining(tinyTrainConfig({ epochs: 5, teacherWeight: 1 }), {
      train,
      val,
      labels,
      targets: new TargetList([teacher.targetSource(1)]),
      progress: false,
    });
    const followsTeacher = countNamingNextClass(result.model, val, 3);
    result.model.dispose();
    assertOk(followsTeacher / val.count > 0.5, `${followsTeacher}/${val.count} follow the teacher`);
    // Cached scores and an online teacher fill the same slot: refused before any run starts.
    await assertThrows(
      () =>
        new TargetList([teacher!.targetSource(0.5), cachedTeacher(new Float32Array(48 * 3), 0.5)]),
      "one teacher source",
    );
  } finally {
    teacher?.dispose();
    await Deno.remove(teacherDir, { recursive: true });
  }
});
