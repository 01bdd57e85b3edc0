import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { readModelMetadata } from "../../src/model/io.ts";
import { toTrainData } from "../../training/dataset.ts";
import { EPOCHS_DIR, runTraining } from "../../training/loop/loop.ts";
import {
  averageWeightLists,
  formatEpochSelection,
  parseEpochSelection,
} from "../../training/average_weights.ts";
import { recalibrateBatchNorm } from "../../training/recalibrate_bn.ts";
import { averageRun } from "../../training/average_run.ts";
import { syntheticSplit, writeSyntheticPrepared } from "./synthetic.ts";
import { tinyDefaultModel, tinyTrainConfig, useWasmTraining } from "./tiny_training.ts";
import { PIXEL_SCALE } from "../../src/face.ts";

const LABELS = ["a", "b", "c"];

Deno.test("averageWeightLists takes the element-wise mean and refuses mismatched lists", async () => {
  await tf.setBackend("cpu");
  const a = [tf.tensor1d([1, 2]), tf.tensor2d([[0, 4]])];
  const b = [tf.tensor1d([3, 6]), tf.tensor2d([[2, 0]])];
  const mean = averageWeightLists([a, b]);
  assertEquals(Array.from(mean[0].dataSync()), [2, 4]);
  assertEquals(Array.from(mean[1].dataSync()), [1, 2]);
  assertEquals(mean[1].shape, [1, 2]);
  await assertThrows(() => averageWeightLists([a, [b[0]]]), "length");
  await assertThrows(() => averageWeightLists([a, [b[0], tf.tensor1d([1, 2])]]), "shape");
  await assertThrows(() => averageWeightLists([]), "nothing");
  tf.dispose([...a, ...b, ...mean]);
});

Deno.test("parseEpochSelection reads ranges and lists, and rejects nonsense", async () => {
  assertEquals(parseEpochSelection("80-82,85, 81"), [80, 81, 82, 85]);
  assertEquals(parseEpochSelection("7"), [7]);
  for (const bad of ["5-3", "0", "x", "", "1-"]) {
    await assertThrows(() => parseEpochSelection(bad));
  }
});

Deno.test("formatEpochSelection writes runs as ranges and reads back the same epochs", () => {
  assertEquals(formatEpochSelection([23, 24, 25, 51, 52, 60]), "23-25,51-52,60");
  assertEquals(formatEpochSelection([7]), "7");
  const epochs = parseEpochSelection("3-9,12,20-21");
  assertEquals(parseEpochSelection(formatEpochSelection(epochs)), epochs);
});

Deno.test("recalibrated batch-norm statistics equal the full-set moments of each layer's input", async () => {
  await tf.setBackend("cpu");
  const model = tinyDefaultModel(3, 11);
  const norms = model.layers.filter((l) => l.getClassName() === "BatchNormalization");
  // Wrong statistics everywhere, as after averaging weights.
  for (const layer of norms) {
    const next = layer.getWeights().map((w, i) =>
      layer.weights[i].name.endsWith("moving_mean")
        ? tf.fill(w.shape, 5)
        : layer.weights[i].name.endsWith("moving_variance")
        ? tf.fill(w.shape, 100)
        : w.clone()
    );
    layer.setWeights(next);
    tf.dispose(next);
  }
  const { data } = toTrainData(syntheticSplit("Training", 37, 3, 8), {
    classes: 3,
    features: [],
    labelSmoothing: 0,
  });
  const seen: number[] = [];
  const layers = recalibrateBatchNorm(model, data, {
    pixelScale: PIXEL_SCALE,
    batchSize: 16, // 16 + 16 + 5: the merge across unequal batches is exercised
    onLayer: (done) => seen.push(done),
  });
  assertEquals(layers, norms.length);
  assertEquals(seen, norms.map((_, i) => i + 1));
  const all = tf.tensor4d(Float32Array.from(data.images, (v) => v * PIXEL_SCALE), [37, 48, 48, 1]);
  for (const layer of norms) {
    const probe = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    const x = probe.predict(all) as tf.Tensor;
    const { mean, variance } = tf.moments(x, x.shape.slice(0, -1).map((_, i) => i));
    const names = layer.weights.map((w) => w.name);
    const stored = layer.getWeights();
    const storedMean = stored[names.findIndex((n) => n.endsWith("moving_mean"))].dataSync();
    const storedVar = stored[names.findIndex((n) => n.endsWith("moving_variance"))].dataSync();
    const m = mean.dataSync();
    const v = variance.dataSync();
    for (let c = 0; c < m.length; c++) {
      assertAlmostEquals(storedMean[c], m[c], 1e-4 * (1 + Math.abs(m[c])), `${layer.name} mean`);
      assertAlmostEquals(storedVar[c], v[c], 1e-4 * (1 + v[c]), `${layer.name} variance`);
    }
    tf.dispose([x, mean, variance]);
  }
  all.dispose();
  model.dispose();
});

Deno.test("average: --keep-epochs snapshots -> averaged, recalibrated, exported model", async () => {
  await useWasmTraining();
  const dir = await Deno.makeTempDir();
  try {
    const dataDir = join(dir, "prepared");
    const train = syntheticSplit("Training", 48, 3, 21);
    const val = syntheticSplit("PublicTest", 24, 3, 22);
    await writeSyntheticPrepared(dataDir, [train, val], LABELS);
    const config = tinyTrainConfig({ data: dataDir, quantization: "float16" });
    const runDir = join(dir, "run");
    const result = await runTraining(config, {
      train,
      val,
      labels: LABELS,
      runDir,
      keepEpochs: true,
      progress: false,
    });
    result.model.dispose();
    const kept = [...Deno.readDirSync(join(runDir, EPOCHS_DIR))].map((e) => e.name).sort();
    assertEquals(kept, ["epoch-001", "epoch-002", "epoch-003"]);

    const to = join(dir, "averaged");
    const exported = await averageRun({ run: runDir, epochs: [2, 3], to, progress: false });
    const metadata = await readModelMetadata(to);
    assertEquals(metadata.training.averagedEpochs, [2, 3]);
    assertEquals(metadata.training.epochs, 3);
    assertEquals(metadata.quantization, "float16");
    assertAlmostEquals(metadata.metrics.quantized!.accuracy, exported.quantized.accuracy);
    assertOk(exported.float.accuracy > 0.6, `averaged model accuracy ${exported.float.accuracy}`);

    await assertThrows(
      () => averageRun({ run: runDir, epochs: [2, 9], to: join(dir, "x"), progress: false }),
      "no snapshot of epoch 9",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recalibration keeps the statistics of a frozen trunk's batch norms", async () => {
  await tf.setBackend("cpu");
  const model = tinyDefaultModel(3, 11);
  const { data } = toTrainData(syntheticSplit("Training", 20, 3, 8), {
    classes: 3,
    features: [],
    labelSmoothing: 0,
  });
  const firstNorm = model.layers.findIndex((l) => l.getClassName() === "BatchNormalization");
  const stats = () =>
    model.layers.filter((l) => l.getClassName() === "BatchNormalization").map((l) =>
      l.getWeights().map((w) => Array.from(w.dataSync()))
    );
  const before = stats();
  const measured = recalibrateBatchNorm(model, data, {
    pixelScale: PIXEL_SCALE,
    keepLeadingLayers: firstNorm + 1,
  });
  const after = stats();
  assertEquals(measured, before.length - 1);
  assertEquals(after[0], before[0]);
  assertOk(
    after[1].some((w, i) => w.some((v, j) => v !== before[1][i][j])),
    "the second batch norm was measured",
  );
  model.dispose();
});
