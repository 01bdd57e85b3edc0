import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { readModelMetadata } from "../../src/model/io.ts";
import { defaultConfig, mergeConfig } from "../../training/config.ts";
import { toTrainData } from "../../training/dataset.ts";
import { exportModel } from "../../training/export.ts";
import { evaluateModelDir } from "../../training/evaluation.ts";
import { syntheticSplit, writeSyntheticPrepared } from "./synthetic.ts";
import { tinyDefaultModel } from "./tiny_training.ts";

const LABELS = ["a", "b", "c"];

Deno.test("export writes a quantized model whose evaluation matches the export's own figures", async () => {
  await tf.setBackend("cpu");
  const dir = await Deno.makeTempDir();
  try {
    const config = mergeConfig(defaultConfig("default"), { width: 0.25 });
    const model = tinyDefaultModel(3, 5);
    const val = syntheticSplit("PublicTest", 30, 3, 9);
    const { data } = toTrainData(val, { classes: 3, features: [], labelSmoothing: 0 });
    const modelDir = join(dir, "model");
    // A run folder with a history but no curves: the history travels, the missing file is skipped.
    const runDir = join(dir, "run");
    await Deno.mkdir(runDir);
    await Deno.writeTextFile(join(runDir, "history.json"), '[{"epoch":1}]');
    const result = await exportModel(model, {
      runDir,
      dir: modelDir,
      config,
      labels: LABELS,
      val: data,
      valName: "PublicTest",
      features: [],
      epochs: 0,
      maxDropPoints: 100, // an untrained model: only the bookkeeping is under test here
    });
    const metadata = await readModelMetadata(modelDir);
    assertEquals(metadata.quantization, "uint8");
    assertEquals(metadata.labels, LABELS);
    assertEquals(metadata.sizeBytes, result.sizeBytes);
    const weights = await Deno.stat(join(modelDir, "weights.bin"));
    assertOk(weights.size < model.countParams() * 1.1, "uint8 weights take about a byte each");
    assertAlmostEquals(metadata.metrics.quantized!.accuracy, result.quantized.accuracy);

    const dataDir = join(dir, "prepared");
    await writeSyntheticPrepared(dataDir, [val], LABELS);
    const report = await evaluateModelDir(modelDir, "PublicTest", { dataDir });
    assertEquals(report.count, 30);
    assertAlmostEquals(report.accuracy, result.quantized.accuracy, 1e-9);
    for (const name of ["model.json", "fer-model.json", "metrics.json", "confusion.svg"]) {
      assertOk((await Deno.stat(join(modelDir, name))).size > 0, name);
    }
    assertEquals(
      await Deno.readTextFile(join(modelDir, "training-history.json")),
      '[{"epoch":1}]',
    );
    assertEquals(await Deno.stat(join(modelDir, "training-curves.svg")).catch(() => null), null);
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed export leaves the previous model folder untouched", async () => {
  await tf.setBackend("cpu");
  const dir = await Deno.makeTempDir();
  try {
    const marker = join(dir, "model.json");
    await Deno.writeTextFile(marker, "previous model");
    const model = tinyDefaultModel(3, 6);
    const { data } = toTrainData(syntheticSplit("PublicTest", 12, 3, 1), {
      classes: 3,
      features: [],
      labelSmoothing: 0,
    });
    let failed = false;
    try {
      await exportModel(model, {
        dir,
        config: mergeConfig(defaultConfig("default"), { width: 0.25 }),
        labels: LABELS,
        val: data,
        valName: "PublicTest",
        features: [],
        epochs: 0,
        maxDropPoints: -1, // nothing can pass
      });
    } catch (error) {
      failed = (error as Error).message.includes("quantization (uint8) lost");
    }
    assertOk(failed, "export should refuse");
    assertEquals(await Deno.readTextFile(marker), "previous model");
    model.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
