import { join } from "node:path";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { augmentedViews, flipOnly, viewIndices } from "../../../training/targets/teacher_views.ts";
import {
  cachedTeacher,
  TEACHER_SCORES_INFO_FILE,
  teacherScores,
} from "../../../training/targets/distill.ts";
import { TargetList, type TrainingViews } from "../../../training/loop/targets.ts";
import { toTrainData } from "../../../training/dataset.ts";
import { predictScores } from "../../../training/predict_batches.ts";
import { runTraining } from "../../../training/loop/loop.ts";
import { Rng } from "../../../training/rng.ts";
import type { PreparedSplit } from "../../../training/data/cache.ts";
import { FER_EMOTIONS, PIXEL_SCALE } from "../../../src/face.ts";
import { writeTinyModelDir } from "../../classifier/tiny_model.ts";
import { syntheticSplit } from "../synthetic.ts";
import { tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

const PIXELS = 48 * 48;
const AUGMENT = { flip: true, shift: 4, rotate: 10, scale: 0.1 };

Deno.test("augmentedViews draws K transformed copies of each image, view-major, from the seed", () => {
  const split = syntheticSplit("Training", 5, 3, 1, 4);
  const views = augmentedViews(split, 3, AUGMENT, 7);
  assertEquals([views.perImage, views.split.count], [3, 15]);
  assertEquals(Array.from(views.split.labels), [0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 0, 1, 2, 0, 1]);
  assertEquals(views.split.features.hog.length, 3 * split.features.hog.length);
  assertEquals(views.split.features.hog.subarray(40, 60), split.features.hog);
  const image = (s: PreparedSplit, i: number) => s.images.subarray(i * PIXELS, (i + 1) * PIXELS);
  // Copy v of image i is a transform of image i: its mean brightness stays near the original's.
  const mean = (a: Uint8Array) => a.reduce((sum, v) => sum + v, 0) / a.length;
  for (let v = 0; v < 3; v++) {
    for (let i = 0; i < 5; i++) {
      const copy = image(views.split, v * 5 + i);
      assertOk(copy.some((p, k) => p !== image(split, i)[k]), `copy ${v} of ${i} is unchanged`);
      assertOk(
        Math.abs(mean(copy) - mean(image(split, i))) < 25,
        `copy ${v} of ${i} is another face`,
      );
    }
  }
  assertOk(image(views.split, 2).some((p, k) => p !== image(views.split, 7)[k]), "copies repeat");
  assertEquals(augmentedViews(split, 3, AUGMENT, 7).split.images, views.split.images);
  assertOk(
    augmentedViews(split, 3, AUGMENT, 8).split.images.some((p, k) => p !== views.split.images[k]),
  );
  assertOk(views.identity !== augmentedViews(split, 3, AUGMENT, 8).identity);
  // Without transforms every copy is the image itself.
  const still = augmentedViews(split, 2, { flip: false, shift: 0, rotate: 0, scale: 0 }, 7);
  assertEquals(still.split.images.subarray(5 * PIXELS), split.images);
  assertThrows(() => augmentedViews(split, 0, AUGMENT, 7), "integer >= 1");
});

Deno.test("viewIndices picks one copy of each image in the epoch's order, a fresh pick each epoch", () => {
  const order = new Rng(3).permutation(1000);
  const picked = viewIndices(order, 1000, 4, 9, 0);
  const counts = [0, 0, 0, 0];
  picked.forEach((index, k) => {
    assertEquals(index % 1000, order[k]);
    counts[Math.floor(index / 1000)]++;
  });
  assertOk(counts.every((c) => c > 200 && c < 300), `copies used ${counts}`);
  assertEquals(viewIndices(order, 1000, 4, 9, 0), picked);
  const next = viewIndices(order, 1000, 4, 9, 1);
  assertOk(next.some((index, k) => index !== picked[k]), "the same copies every epoch");
  assertEquals(flipOnly(AUGMENT), { flip: true, shift: 0, rotate: 0, scale: 0 });
});

Deno.test("the teacher-score cache knows which copies it scored", async () => {
  await useWasmTraining();
  const teacherDir = await writeTinyModelDir();
  const runDir = await Deno.makeTempDir({ prefix: "fer-views-" });
  try {
    const split = syntheticSplit("Training", 6, 7, 5);
    const options = { labels: [...FER_EMOTIONS], features: [], tta: "flip" as const, runDir };
    const a = augmentedViews(split, 2, AUGMENT, 1);
    const b = augmentedViews(split, 2, AUGMENT, 2);
    const quiet = { ...options, progress: false };
    const first = await teacherScores(teacherDir, a.split, { ...quiet, views: a.identity });
    const info = JSON.parse(await Deno.readTextFile(join(runDir, TEACHER_SCORES_INFO_FILE)));
    assertEquals([info.count, info.views], [12, a.identity]);
    const other = await teacherScores(teacherDir, b.split, { ...quiet, views: b.identity });
    assertOk(other.some((v, i) => Math.abs(v - first[i]) > 1e-5), "another seed's copies reused");
  } finally {
    await Deno.remove(teacherDir, { recursive: true });
    await Deno.remove(runDir, { recursive: true });
  }
});

Deno.test("a run on copies learns each copy's own target", async () => {
  await useWasmTraining();
  // Copy 0 of each image is the image, copy 1 its negative; the teacher names the label for the
  // first and the next class for the second. Targets that did not follow their copy would leave
  // the student unable to tell the two apart.
  const base = syntheticSplit("Training", 48, 3, 1);
  const negative = (s: PreparedSplit) => s.images.map((p) => 255 - p);
  const images = new Uint8Array(2 * base.images.length);
  images.set(base.images);
  images.set(negative(base), base.images.length);
  const labels = new Uint8Array(96);
  labels.set(base.labels);
  labels.set(base.labels, 48);
  const train = { split: "Training" as const, count: 96, images, labels, features: {} };
  const scores = new Float32Array(96 * 3);
  for (let i = 0; i < 48; i++) {
    scores[i * 3 + base.labels[i]] = 1;
    scores[(48 + i) * 3 + (base.labels[i] + 1) % 3] = 1;
  }
  const val = syntheticSplit("PublicTest", 24, 3, 2);
  const config = tinyTrainConfig({ epochs: 20, teacherWeight: 1, teacherViews: 2 });
  // The copies as augmentedViews would describe them, with hand-made images.
  const views: TrainingViews = {
    split: train,
    perImage: 2,
    order: (order, epoch) => viewIndices(order, order.length, 2, config.seed, epoch),
    augment: flipOnly,
  };
  const result = await runTraining(config, {
    train: base,
    val,
    labels: ["a", "b", "c"],
    targets: new TargetList([cachedTeacher(scores, config.teacherWeight, views)]),
    progress: false,
  });
  const accuracy = (split: PreparedSplit, shift: number) => {
    const { data } = toTrainData(split, { classes: 3, features: [], labelSmoothing: 0 });
    const out = predictScores(result.model, data, PIXEL_SCALE);
    let right = 0;
    for (let i = 0; i < split.count; i++) {
      const row = Array.from(out.subarray(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === (split.labels[i] + shift) % 3) right++;
    }
    return right / split.count;
  };
  const plain = accuracy(val, 0);
  const negated = accuracy({ ...val, images: negative(val) }, 1);
  result.model.dispose();
  assertOk(plain > 0.6 && negated > 0.6, `plain ${plain}, negative ${negated}`);
  const fiveViews = new TargetList([cachedTeacher(scores, 1, { ...views, perImage: 5 })]);
  await assertThrows(
    () => runTraining(config, { train: base, val, labels: ["a", "b", "c"], targets: fiveViews }),
    "copies",
  );
  // Scores that cannot belong to the copies are refused when the source is made.
  await assertThrows(() => cachedTeacher(new Float32Array(100), 1, views), "copies");
});
