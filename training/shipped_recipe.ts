/**
 * The recipe of the shipped `models/default/`, as data for `deno task reproduce`
 * (`recipe.ts`, `recipe_runner.ts`).
 *
 * @module
 */
import type { Recipe } from "./recipe.ts";

/** Flags the two real-photo members share: the photo path's augmentation, one gentle cycle. */
const PHOTO_FLAGS = [
  ...["--teacher-weight", "0.7", "--mirror-symmetric", "--photo", "0.5"],
  ...["--schedule", "cosine", "--warmup-epochs", "0"],
];

/**
 * The recipe of the shipped `models/default/` (docs/models.md): 96 epochs of cosine decay
 * with warm restarts at 10, 18 and 56, the mean of epochs 85-96 as teacher of a distillation
 * cycle to epoch 126, whose mean of 106-126 teaches a second cycle to 141; the mean of that
 * cycle's epochs 131-141 (the model shipped until 2026-11-29, `models/default-untied/`) teaches a
 * mirror-tied network trained anew for 38 epochs (seed 7, 70% teacher); the mean of its epochs
 * 29-38 (shipped until 2026-11-30, `models/default-mirror1/`) and the untied model together teach
 * a second tied network for 32 epochs (seed 8); the mean of its epochs 23-32 (shipped until
 * 2026-12-01, `models/default-mirror2/`) joins both as teacher of that same run continued by two
 * more cosine cycles, warm restarts at 7e-4 at epoch 32 and at 60 (the second taught by the two
 * tied models scoring every augmented batch, `--teacher-online`), to epoch 80, and the result is
 * the mean of epochs 75-80: `models/default-v1/`, the default until 2026-12-02.
 *
 * Then the real-photo part (docs/models.md, "Real photos, fourth round"): photos-dev's fold 0
 * (by person, x8) joins Training; the photo member fine-tunes `default-v1` on it for 3 epochs
 * with the teacher on the FER2013 rows only; the FER2013 member keeps the photo member's first
 * four convolutions frozen and retrains the rest on FER2013 alone for 3 epochs, taught by
 * `default-v1`; both are judged at their last epoch, and the set of the two, 1:1, is the result
 * (its temperature is fitted afterwards: `deno task calibrate --model ROOT/default --split
 * PublicTest`). About 265 epochs of ~2.2-6.5 min each on a 2-core machine.
 *
 * Every step trained on all of Training and chose on PublicTest, before the Selection split
 * existed; `--no-selection` keeps the steps' configs exactly as the shipped models'
 * `fer-model.json` files record them (a recipe for a new model leaves it out and gets the split).
 */
export const SHIPPED_RECIPE: Recipe = {
  name: "default model set (models/default)",
  trainFlags: ["--keep-prob", "0.75", "--workers", "2", "--keep-epochs", "--no-selection"],
  steps: [
    { kind: "train", run: "default-v1", epochs: 10 },
    { kind: "train", run: "default-v1", epochs: 18 },
    { kind: "train", run: "default-v1", epochs: 56 },
    { kind: "train", run: "default-v1", epochs: 96 },
    { kind: "average", run: "default-v1", from: 85, to: 96, out: "teacher-avg85-96" },
    { kind: "fork", run: "default-v1", to: "kd-v1" },
    {
      kind: "train",
      run: "kd-v1",
      epochs: 126,
      restartAt: 96,
      learningRate: 0.0003,
      teacher: "teacher-avg85-96",
    },
    { kind: "average", run: "kd-v1", from: 106, to: 126, out: "teacher-kd1" },
    { kind: "fork", run: "kd-v1", to: "kd-v2" },
    {
      kind: "train",
      run: "kd-v2",
      epochs: 141,
      restartAt: 126,
      learningRate: 0.0002,
      teacher: "teacher-kd1",
    },
    { kind: "average", run: "kd-v2", from: 131, to: 141, out: "teacher-kd2" },
    {
      kind: "train",
      run: "mirror-v1",
      epochs: 38,
      teacher: "teacher-kd2",
      flags: ["--seed", "7", "--teacher-weight", "0.7", "--mirror-symmetric"],
    },
    { kind: "average", run: "mirror-v1", from: 29, to: 38, out: "teacher-mirror1" },
    {
      kind: "train",
      run: "mirror-v2",
      epochs: 32,
      teacher: "teacher-kd2,teacher-mirror1",
      flags: ["--seed", "8", "--teacher-weight", "0.7", "--mirror-symmetric"],
    },
    { kind: "average", run: "mirror-v2", from: 23, to: 32, out: "teacher-mirror2" },
    { kind: "fork", run: "mirror-v2", to: "mirror-v2c" },
    {
      kind: "train",
      run: "mirror-v2c",
      epochs: 60,
      restartAt: 32,
      learningRate: 0.0007,
      teacher: "teacher-kd2,teacher-mirror1,teacher-mirror2",
      flags: ["--seed", "8", "--teacher-weight", "0.7", "--mirror-symmetric"],
    },
    { kind: "fork", run: "mirror-v2c", to: "mirror-v2o" },
    {
      kind: "train",
      run: "mirror-v2o",
      epochs: 80,
      restartAt: 60,
      learningRate: 0.0007,
      teacher: "teacher-mirror1,teacher-mirror2",
      flags: ["--seed", "8", "--teacher-weight", "0.7", "--mirror-symmetric", "--teacher-online"],
    },
    { kind: "average", run: "mirror-v2o", from: 75, to: 80, out: "default-v1" },
    { kind: "photos", out: "photos-fold0", folds: 2, trainFold: 0, repeat: 8 },
    {
      kind: "train",
      run: "photo-lwf",
      epochs: 3,
      learningRate: 0.0002,
      initFrom: "default-v1",
      data: "photos-fold0",
      teacher: "default-v1,teacher-mirror1",
      flags: [...PHOTO_FLAGS, "--seed", "14", "--teacher-rows", "fer2013"],
    },
    { kind: "export", run: "photo-lwf", out: "photos" },
    {
      kind: "train",
      run: "fer-head",
      epochs: 3,
      learningRate: 0.0002,
      initFrom: "photos",
      teacher: "default-v1,teacher-mirror1",
      flags: [...PHOTO_FLAGS, "--seed", "19", "--freeze-convs", "4"],
    },
    { kind: "export", run: "fer-head", out: "fer2013" },
    { kind: "set", members: ["fer2013", "photos"], out: "default" },
  ],
  result: "default",
};
