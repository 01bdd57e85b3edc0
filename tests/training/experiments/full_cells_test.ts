import { parseTrainArgs } from "../../../training/cli_config.ts";
import { defaultConfig, type TrainConfig } from "../../../training/config.ts";
import {
  selectCells,
  type StudyCell,
  studyCells,
} from "../../../training/experiments/full/cells.ts";
import { cellCommand } from "../../../training/experiments/full/runner.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const PATHS = { root: "/r", data: "/d" };

Deno.test("the study's cells run in a fixed order: SVMs, the default grid by row, seeds, A, B, no-BN", () => {
  assertEquals(studyCells().map((c) => c.id), [
    "svm-raw-5",
    "svm-lm-5",
    "svm-lm-hog-5",
    "svm-lm-hogw-5",
    "svm-raw-7",
    "svm-lm-7",
    "svm-lm-hog-7",
    "svm-lm-hogw-7",
    "default-raw-5",
    "default-raw-7",
    "default-lm-5",
    "default-lm-7",
    "default-lm-hog-5",
    "default-lm-hog-7",
    "default-lm-hogw-5",
    "default-lm-hogw-7",
    "default-raw-7-s2",
    "default-lm-hog-7-s2",
    "a-raw-7",
    "b-raw-7",
    "default-nobn-raw-7",
  ]);
  const optional = studyCells().filter((c) => c.optional).map((c) => c.id);
  assertEquals(optional, ["default-nobn-raw-7"]);
});

Deno.test("default-network cells resolve to the shipped recipe without distillation, inputs apart", async () => {
  const shipped = { lr: 0.0007, keepProb: 0.75, batch: 64, smoothing: 0.1, warmup: 1 };
  const cells = studyCells().filter((c) => c.model === "default");
  const configs: { cell: StudyCell; config: TrainConfig }[] = [];
  for (const cell of cells) {
    const { config, flags } = await parseTrainArgs(cellCommand(cell, PATHS, 2).args);
    assertEquals(config.epochs, 25, cell.id);
    assertEquals(
      [config.learningRate, config.keepProb, config.batchSize, config.labelSmoothing],
      [shipped.lr, shipped.keepProb, shipped.batch, shipped.smoothing],
      cell.id,
    );
    assertEquals([config.optimizer, config.schedule, config.warmupEpochs], [
      "adam",
      "cosine",
      shipped.warmup,
    ]);
    assertEquals(config.augment, { flip: true, shift: 4, rotate: 10, scale: 0.1 });
    assertEquals([config.teacher, config.mirrorSymmetric, config.restartEpoch], [
      undefined,
      false,
      0,
    ]);
    assertOk(config.selection, `${cell.id} chooses its epoch on Selection`);
    assertEquals(config.batchNormConv && config.batchNormDense, cell.batchNorm, cell.id);
    assertEquals(config.features, cell.featureSet.features, cell.id);
    assertEquals(config.data, cell.classes === 7 ? "/d" : "/r/data-5", cell.id);
    assertEquals([flags.runDir, flags.resume, flags.workers], [`/r/cells/${cell.id}`, true, 2]);
    configs.push({ cell, config });
  }
  // Within a class count, batch-norm cells of one seed differ in features only.
  const strip = (c: TrainConfig) => ({ ...c, features: [], data: "" });
  const raw7 = configs.find((c) => c.cell.id === "default-raw-7")!.config;
  for (const { cell, config } of configs) {
    if (cell.batchNorm && cell.seed === 42) assertEquals(strip(config), strip(raw7), cell.id);
  }
  assertEquals(configs.filter((c) => c.config.seed === 43).map((c) => c.cell.id), [
    "default-raw-7-s2",
    "default-lm-hog-7-s2",
  ]);
});

Deno.test("Model A and B cells take the seed's recipe for 13 epochs and keep every epoch", async () => {
  for (const model of ["a", "b"] as const) {
    const cell = studyCells().find((c) => c.id === `${model}-raw-7`)!;
    const { config, flags } = await parseTrainArgs(cellCommand(cell, PATHS, 1).args);
    const seed = defaultConfig(model);
    assertEquals(config.epochs, 13);
    assertEquals(
      [config.optimizer, config.learningRate, config.learningRateDecay, config.keepProb],
      [seed.optimizer, seed.learningRate, seed.learningRateDecay, seed.keepProb],
    );
    assertEquals([config.features, config.data, flags.keepEpochs], [[], "/d", true]);
    assertOk(cell.perEpoch);
  }
});

Deno.test("a smaller budget reaches every cell's command; SVM cells run experiments.ts", () => {
  const cells = studyCells({ epochs: 2, limit: 100 });
  for (const cell of cells.filter((c) => c.model !== "svm")) {
    const args = cellCommand(cell, PATHS, 2).args;
    assertEquals(args[args.indexOf("--epochs") + 1], "2", cell.id);
    assertEquals(args[args.indexOf("--limit") + 1], "100", cell.id);
  }
  assertEquals(cellCommand(cells[5], PATHS, 2), {
    script: "commands/experiments.ts",
    args: [
      "--models",
      "svm",
      "--features",
      "lm",
      "--classes",
      "7",
      "--svm-limit",
      "100",
      "--data",
      "/d",
      "--out",
      "/r/svm",
    ],
  });
});

Deno.test("selectCells keeps run order and names an unknown id", async () => {
  const all = studyCells();
  assertEquals(selectCells(all, ["b-raw-7", "svm-raw-5"]).map((c) => c.id), [
    "svm-raw-5",
    "b-raw-7",
  ]);
  assertEquals(selectCells(all).length, 21);
  await assertThrows(() => selectCells(all, ["default-raw-9"]), "unknown cell default-raw-9");
});
