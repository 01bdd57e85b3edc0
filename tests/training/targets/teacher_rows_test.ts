/**
 * `--teacher-rows fer2013` and `--photo-teacher` end to end, the way `deno task train` builds its
 * targets: on data that `prepare:photos` extended, the teacher's scores replace the FER2013 rows'
 * targets, and the photo crops keep their labels or take the photo teacher's scores.
 */
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { FER_EMOTIONS } from "../../../src/face.ts";
import { toTrainData } from "../../../training/dataset.ts";
import { readRunData } from "../../../training/train_data.ts";
import type { TrainConfig } from "../../../training/config.ts";
import { runTargets } from "../../../training/targets/run_targets.ts";
import { teacherScores } from "../../../training/targets/distill.ts";
import { tinyMetadata, writeTinyModelDir } from "../../classifier/tiny_model.ts";
import { loadModelDir, saveModelDir } from "../../../src/model/io.ts";
import { syntheticSplit, writeSyntheticPrepared } from "../synthetic.ts";
import { tinyTrainConfig, useWasmTraining } from "../tiny_training.ts";

/**
 * The training targets `deno task train` builds for `config` (`readRunData`, then `runTargets`),
 * with the run's data, the plain label targets they started from and the log notes.
 */
async function trainTargets(config: TrainConfig, labels: string[], runDir?: string) {
  const run = await readRunData(config, labels);
  const built = await runTargets(config, run, { runDir, progress: false });
  const start = toTrainData(run.train.split, { classes: 7, features: [], labelSmoothing: 0 });
  const mixed = built.targets.imageTargets(start.data, "train").targets;
  built.dispose();
  return { run, start: start.data.targets, mixed, notes: built.notes };
}

Deno.test("teacherRows fer2013: teacher scores on the FER2013 rows, labels on the photo crops", async () => {
  await useWasmTraining();
  const teacher = await writeTinyModelDir();
  try {
    await withTempDir("fer-teacher-rows-", async (dir) => {
      const labels = [...FER_EMOTIONS];
      const splits = [syntheticSplit("Training", 30, 7, 3), syntheticSplit("PublicTest", 7, 7, 4)];
      const photoData = join(dir, "photos");
      await writeSyntheticPrepared(photoData, splits, labels, { photos: { crops: 3, repeat: 2 } });
      const config = tinyTrainConfig({
        data: photoData,
        teacher,
        teacherWeight: 1,
        teacherRows: "fer2013",
        teacherTta: "none",
        selection: null,
      } as never);
      const { run, start, mixed, notes } = await trainTargets(config, labels);
      const scores = await teacherScores(teacher, run.train.split, {
        labels,
        features: [],
        tta: "none",
        progress: false,
      });
      for (let row = 0; row < 30; row++) {
        for (let k = 0; k < 7; k++) {
          const expected = row < 24 ? scores[row * 7 + k] : start[row * 7 + k];
          assertAlmostEquals(mixed[row * 7 + k], expected, 1e-6, `row ${row} class ${k}`);
        }
      }
      assertEquals(
        notes.at(-1),
        "teacher on the 24 FER2013 rows; 6 photo rows keep their labels",
      );

      // Plain FER2013 data has no photo rows to leave out: refused, not silently the same as all.
      const plainData = join(dir, "plain");
      await writeSyntheticPrepared(plainData, splits, labels);
      const plain = { ...config, data: plainData };
      await assertThrows(
        async () => runTargets(plain, await readRunData(plain, labels), { progress: false }),
        "needs data with photo crops",
      );
    });
  } finally {
    await Deno.remove(teacher, { recursive: true });
  }
});

Deno.test("photoTeacher: the photo crops take the second teacher's scores, cached apart from the first's", async () => {
  await useWasmTraining();
  const teacher = await writeTinyModelDir();
  // A second, different teacher: the first with its output layer's kernel tripled.
  const { model } = await loadModelDir(teacher);
  const photoTeacher = await Deno.makeTempDir({ prefix: "fer-photo-teacher-" });
  try {
    model.setWeights(model.getWeights().map((w, i, all) => (i === all.length - 2 ? w.mul(3) : w)));
    await saveModelDir(model, photoTeacher, "none", tinyMetadata());
    await withTempDir("fer-photo-teacher-run-", async (dir) => {
      const labels = [...FER_EMOTIONS];
      const data = join(dir, "photos");
      const splits = [syntheticSplit("Training", 21, 7, 5), syntheticSplit("PublicTest", 7, 7, 6)];
      await writeSyntheticPrepared(data, splits, labels, { photos: { crops: 5, repeat: 1 } });
      const config = tinyTrainConfig({
        data,
        teacher,
        photoTeacher,
        teacherWeight: 1,
        teacherTta: "none",
        selection: null,
      } as never);
      const runDir = join(dir, "run");
      const { run, mixed, notes } = await trainTargets(config, labels, runDir);
      const quiet = { labels, features: [], tta: "none" as const, progress: false };
      const first = await teacherScores(teacher, run.train.split, quiet);
      const second = await teacherScores(photoTeacher, run.train.split, quiet);
      let differ = 0;
      for (let i = 0; i < 21 * 7; i++) {
        const expected = i < 16 * 7 ? first[i] : second[i];
        assertAlmostEquals(
          mixed[i],
          expected,
          1e-6,
          `value ${i}: ${mixed[i]} ${first[i]} ${second[i]}`,
        );
        if (Math.abs(first[i] - second[i]) > 1e-4) differ++;
      }
      assertOk(differ > 0, "the two teachers agree exactly");
      assertEquals(
        notes.at(-1),
        `teacher on the 16 FER2013 rows; 5 photo rows taught by ${photoTeacher}`,
      );
      const info = JSON.parse(await Deno.readTextFile(join(runDir, "photo-teacher-scores.json")));
      assertEquals(info.count, 5);
      assertOk((await Deno.stat(join(runDir, "teacher-scores.json"))).isFile);
    });
  } finally {
    model.dispose();
    for (const dir of [teacher, photoTeacher]) await Deno.remove(dir, { recursive: true });
  }
});
