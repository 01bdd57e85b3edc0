import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { toTrainData } from "../../../training/dataset.ts";
import {
  cachedTeacher,
  mixTargets,
  TEACHER_SCORES_FILE,
  teacherScores,
} from "../../../training/targets/distill.ts";
import { TargetList } from "../../../training/loop/targets.ts";
import { predictScores } from "../../../training/predict_batches.ts";
import { runTraining } from "../../../training/loop/loop.ts";
import { loadModelDir, saveModelDir } from "../../../src/model/io.ts";
import { FER_EMOTIONS, PIXEL_SCALE } from "../../../src/face.ts";
import { tinyMetadata, writeTinyModelDir } from "../../classifier/tiny_model.ts";
import { syntheticSplit } from "../synthetic.ts";
import { countNamingNextClass, tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

Deno.test("mixTargets blends element-wise and refuses scores of another size", async () => {
  const mixed = mixTargets(Float32Array.of(1, 0, 0), Float32Array.of(0.2, 0.6, 0.2), 0.25);
  assertAlmostEquals(mixed[0], 0.8, 1e-6);
  assertAlmostEquals(mixed[1], 0.15, 1e-6);
  assertAlmostEquals(mixed[2], 0.05, 1e-6);
  await assertThrows(() => mixTargets(new Float32Array(3), new Float32Array(4), 0.5), "teacher");
});

Deno.test("rows marked in keepRows keep their own targets; the rest take the teacher's share", async () => {
  const targets = Float32Array.of(1, 0, 0, 1);
  const teacher = Float32Array.of(0, 1, 1, 0);
  const mixed = mixTargets(targets, teacher, 0.75, Uint8Array.of(0, 1));
  assertEquals([...mixed], [0.25, 0.75, 0, 1]);
  await assertThrows(
    () => mixTargets(targets, teacher, 0.5, Uint8Array.of(0, 0, 1)),
    "do not split",
  );
  const split = syntheticSplit("Training", 2, 2, 1);
  const { data } = toTrainData(split, { classes: 2, features: [], labelSmoothing: 0 });
  const source = cachedTeacher(teacher, 1, undefined, Uint8Array.of(1, 0));
  assertEquals([...source.imageTargets!(data, "train").targets], [1, 0, 1, 0]);
});

Deno.test("cached teacher scores mix into smoothed training targets and keep the dataset's labels", () => {
  const split = syntheticSplit("Training", 2, 3, 1);
  // The teacher disagrees completely: all its mass on another class than the label.
  const scores = Float32Array.of(0, 0, 1, 1, 0, 0);
  const { data } = toTrainData(split, { classes: 3, features: [], labelSmoothing: 0.3 });
  const source = cachedTeacher(scores, 0.5);
  const mixed = source.imageTargets!(data, "train");
  assertEquals(Array.from(mixed.labels), [0, 1]);
  // Row 0: smoothed [0.8, 0.1, 0.1] / 2 + [0, 0, 1] / 2; row 1: [0.1, 0.8, 0.1] / 2 + [1, 0, 0] / 2.
  const expected = [0.4, 0.05, 0.55, 0.55, 0.4, 0.05];
  for (let i = 0; i < 6; i++) assertAlmostEquals(mixed.targets[i], expected[i], 1e-6);
  // The teacher scored the training images only: validation targets stay the labels.
  assertEquals(source.imageTargets!(data, "val"), data);
});

Deno.test("teacherScores averages the teacher's views, caches them per run, and checks labels", async () => {
  await useWasmTraining();
  const teacherDir = await writeTinyModelDir();
  const runDir = await Deno.makeTempDir({ prefix: "fer-distill-" });
  try {
    const split = syntheticSplit("Training", 20, 7, 5);
    const options = { labels: [...FER_EMOTIONS], features: [], tta: "flip" as const, runDir };
    const scores = await teacherScores(teacherDir, split, { ...options, progress: false });
    const { model } = await loadModelDir(teacherDir);
    const { data } = toTrainData(split, { classes: 7, features: [], labelSmoothing: 0 });
    const direct = predictScores(model, data, PIXEL_SCALE, 256, "flip");
    const plain = predictScores(model, data, PIXEL_SCALE, 256, "none");
    model.dispose();
    assertEquals(scores.length, 20 * 7);
    for (let i = 0; i < scores.length; i++) assertAlmostEquals(scores[i], direct[i], 1e-6);
    assertOk(scores.some((v, i) => Math.abs(v - plain[i]) > 1e-4), "flip views changed nothing");

    // A second call reads the cache: overwrite it with a marker and get the marker back.
    const marker = new Float32Array(scores.length).fill(0.125);
    await Deno.writeFile(join(runDir, TEACHER_SCORES_FILE), new Uint8Array(marker.buffer));
    const again = await teacherScores(teacherDir, split, { ...options, progress: false });
    assertEquals(again[7], 0.125);
    // Other views are another identity: recomputed, not the marker.
    const none = await teacherScores(teacherDir, split, {
      ...options,
      tta: "none",
      progress: false,
    });
    for (let i = 0; i < none.length; i++) assertAlmostEquals(none[i], plain[i], 1e-6);

    await assertThrows(
      () => teacherScores(teacherDir, split, { ...options, labels: ["a", "b"], progress: false }),
      "predicts",
    );
    await assertThrows(
      () => teacherScores(teacherDir, split, { ...options, features: ["hog"], progress: false }),
      "features",
    );
  } finally {
    await Deno.remove(teacherDir, { recursive: true });
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("an ensemble teacher gives the mean of its members' scores and its own cache", async () => {
  await useWasmTraining();
  const first = await writeTinyModelDir();
  // A second, different teacher: the first with its output layer's kernel doubled.
  const { model } = await loadModelDir(first);
  const second = await Deno.makeTempDir({ prefix: "fer-distill-second-" });
  const runDir = await Deno.makeTempDir({ prefix: "fer-distill-ensemble-" });
  try {
    model.setWeights(model.getWeights().map((w, i, all) => (i === all.length - 2 ? w.mul(2) : w)));
    await saveModelDir(model, second, "none", tinyMetadata());
    const split = syntheticSplit("Training", 12, 7, 9);
    const options = { labels: [...FER_EMOTIONS], features: [], tta: "flip" as const };
    const quiet = { ...options, progress: false };
    const a = await teacherScores(first, split, quiet);
    const b = await teacherScores([second], split, quiet);
    assertOk(a.some((v, i) => Math.abs(v - b[i]) > 1e-4), "the two teachers agree exactly");
    const both = await teacherScores([first, second], split, { ...quiet, runDir });
    for (let i = 0; i < both.length; i++) assertAlmostEquals(both[i], (a[i] + b[i]) / 2, 1e-6);
    // The ensemble's cache is not the single teacher's.
    const single = await teacherScores(first, split, { ...quiet, runDir });
    for (let i = 0; i < single.length; i++) assertAlmostEquals(single[i], a[i], 1e-6);
  } finally {
    model.dispose();
    for (const dir of [first, second, runDir]) await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a student trained on the teacher alone learns the teacher's answers, not the labels", async () => {
  await useWasmTraining();
  const train = syntheticSplit("Training", 48, 3, 1);
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  // The teacher always names the next class after the true one; a student that ignored it would
  // follow it on no image, one that learnt nothing on about a third.
  const shifted = new Float32Array(train.count * 3);
  for (let i = 0; i < train.count; i++) shifted[i * 3 + (train.labels[i] + 1) % 3] = 1;
  const config = tinyTrainConfig({ epochs: 5, teacherWeight: 1 });
  const result = await runTraining(config, {
    train,
    val,
    labels: ["a", "b", "c"],
    targets: new TargetList([cachedTeacher(shifted, config.teacherWeight)]),
    progress: false,
  });
  const followsTeacher = countNamingNextClass(result.model, val, 3);
  result.model.dispose();
  assertOk(followsTeacher / val.count > 0.5, `${followsTeacher}/${val.count} follow the teacher`);
});
