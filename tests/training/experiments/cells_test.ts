import { loadFerCsvSplits } from "../../../training/data/load.ts";
import { buildGrid } from "../../../training/experiments/grid.ts";
import {
  type Budget,
  cnnConfig,
  runCnnCell,
  runSvmCell,
  svmBlocks,
} from "../../../training/experiments/cells.ts";
import { setupTrainingBackend } from "../../../training/backend.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const FIXTURE = new URL("../../fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;
const loaded = await loadFerCsvSplits(FIXTURE, { features: ["hog"] });
const data = { train: loaded.splits.Training!, val: loaded.splits.PublicTest! };
const BUDGET: Budget = {
  epochs: 1,
  limit: 16,
  valLimit: 12,
  svmLimit: 0,
  svmC: 0.1,
  batchSize: 8,
};

function cell(id: string) {
  const found = buildGrid().find((c) => c.id === id);
  if (!found) throw new Error(`no cell ${id}`);
  return found;
}

Deno.test("SVM cells: pixels for the raw row, the features alone otherwise", () => {
  assertEquals(svmBlocks(cell("svm-raw-7")), ["pixels"]);
  assertEquals(svmBlocks(cell("svm-lm-hog-5")), ["landmarks", "hog"]);
});

Deno.test("an SVM cell trains on the selected Training rows and scores PublicTest", async () => {
  const hogCell = {
    ...cell("svm-raw-5"),
    featureSet: { id: "hog", title: "hog", features: ["hog"] },
  };
  const outcome = await runSvmCell(hogCell, data, BUDGET);
  const five = (s: typeof data.train) => s.labels.filter((l) => [0, 3, 4, 5, 6].includes(l)).length;
  assertEquals(outcome.trainCount, five(data.train));
  assertEquals(outcome.valCount, five(data.val), "SVMs score all of PublicTest");
  assertOk(outcome.accuracy >= 0 && outcome.accuracy <= 1);
  // Trained on its own Training rows, a linear SVM on pixels fits this tiny set far above chance.
  const self = await runSvmCell(cell("svm-raw-7"), { train: data.train, val: data.train }, {
    ...BUDGET,
    valLimit: 0,
    svmC: 10,
  });
  assertOk(self.accuracy > 0.9, `training-set accuracy ${self.accuracy}`);
  await assertThrows(() => runSvmCell(cell("svm-lm-5"), data, BUDGET), "landmarks");
});

Deno.test("cnnConfig keeps the seed's Model A/B recipe and applies the cell's switches", async () => {
  const config = cnnConfig(cell("b-nobn-lm-hogw-7"), BUDGET);
  assertEquals(config.model, "b");
  assertEquals(config.features, ["landmarks", "hogWindows"]);
  assertEquals([config.batchNormConv, config.batchNormDense], [false, false]);
  assertEquals([config.epochs, config.limit, config.batchSize], [1, 16, 8]);
  assertEquals([config.optimizer, config.learningRate, config.optimizerParam], [
    "momentum",
    0.016,
    0.95,
  ]);
  await assertThrows(() => cnnConfig(cell("svm-raw-5"), BUDGET), "no training config");
});

Deno.test("a CNN cell runs Model A through runTraining on a few images", async () => {
  await setupTrainingBackend();
  const hogCell = {
    ...cell("a-bn-raw-7"),
    featureSet: { id: "hog", title: "hog", features: ["hog"] },
  };
  const outcome = await runCnnCell(hogCell, data, { ...BUDGET, limit: 8, valLimit: 8 }, false);
  assertEquals([outcome.trainCount, outcome.valCount, outcome.epochs, outcome.bestEpoch], [
    8,
    8,
    1,
    1,
  ]);
  assertOk(outcome.accuracy >= 0 && outcome.accuracy <= 1);
});
