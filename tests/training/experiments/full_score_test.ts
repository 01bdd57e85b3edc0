import { join } from "node:path";
import {
  type PreparedSplit,
  writeManifest,
  writePreparedSplit,
} from "../../../training/data/cache.ts";
import { readPairRecords } from "../../../training/compare/pairs.ts";
import { scoreKeptEpochs, scoreRun } from "../../../training/experiments/full/score_run.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { runTrainingCli } from "../../training/eval_fixtures.ts";
import { syntheticSplit } from "../../training/synthetic.ts";
import { useWasmTraining } from "../../training/tiny_training.ts";

const LABELS = ["angry", "happy", "sad", "surprise", "neutral"];

/**
 * Prepared data whose only signal is an 8-value `hog` feature (label + noise; the images are
 * flat), with PublicTest's features shifted by +3: standardised with Training's statistics they
 * sit off the training range, with PublicTest's own they would not, so the two give other answers.
 */
async function writeFeatureData(dir: string): Promise<void> {
  const splits: PreparedSplit[] = [
    syntheticSplit("Training", 250, LABELS.length, 1, 8),
    syntheticSplit("PublicTest", 100, LABELS.length, 2, 8),
  ];
  splits[1].features.hog = splits[1].features.hog.map((v) => v + 3);
  const counts: Record<string, { count: number; classCounts: number[] }> = {};
  for (const split of splits) {
    split.images.fill(128);
    await writePreparedSplit(dir, split);
    const classCounts = LABELS.map(() => 0);
    for (const label of split.labels) classCounts[label]++;
    counts[split.split] = { count: split.count, classCounts };
  }
  await writeManifest(dir, {
    formatVersion: 1,
    labels: LABELS,
    expressions: [0, 3, 4, 5, 6],
    splits: counts,
    features: { hog: 8 },
    source: { path: "synthetic", bytes: 0, sha256: "" },
    options: {},
  });
}

Deno.test("scoreRun reproduces the exported PublicTest figure of a feature model, per epoch too", async () => {
  await withTempDir("fer-score-", async (dir) => {
    const data = join(dir, "data");
    const run = join(dir, "run");
    await writeFeatureData(data);
    const trained = await runTrainingCli("commands/train.ts", [
      ...["--data", data, "--run-dir", run, "--features", "hog", "--width", "0.25"],
      ...["--epochs", "2", "--batch-size", "16", "--lr", "0.01", "--warmup-epochs", "0"],
      ...["--keep-epochs", "--quantization", "none"],
    ]);
    assertEquals(trained.code, 0, trained.out);
    await useWasmTraining();
    const lines: string[] = [];
    const result = await scoreRun(run, { perEpoch: true, log: (l) => lines.push(l) });
    const exported = JSON.parse(await Deno.readTextFile(join(run, "export", "fer-model.json")));
    assertEquals(result.accuracy, exported.metrics.float.accuracy);
    assertEquals(result.epoch, exported.training.epochs);
    // The file is what `deno task compare --pairs` reads: one record per PublicTest image.
    const records = await readPairRecords(join(run, "publictest.json"));
    assertEquals(records.length, 100);
    assertEquals(records.slice(0, 2).map((r) => r.label), ["angry", "happy"]);
    const epochs = JSON.parse(await Deno.readTextFile(join(run, "publictest-epochs.json")));
    assertEquals(epochs.map((e: { epoch: number }) => e.epoch), [1, 2]);
    assertEquals(epochs[result.epoch - 1].accuracy, result.accuracy);
    assertOk(lines.length === 3, lines.join("\n"));
    // Scored epochs are kept: a second call only rescores the chosen one.
    lines.length = 0;
    await scoreRun(run, { perEpoch: true, log: (l) => lines.push(l) });
    assertEquals(lines.length, 1);
    // The kept epochs alone, as the study scores them before parking Model A/B: the same figures.
    await Deno.remove(join(run, "publictest-epochs.json"));
    lines.length = 0;
    assertEquals(await scoreKeptEpochs(run, { log: (l) => lines.push(l) }), epochs);
    assertEquals(lines.length, 2);
    // A figure that does not match the export is an error, not a result.
    exported.metrics.float.accuracy += 0.01;
    await Deno.writeTextFile(join(run, "export", "fer-model.json"), JSON.stringify(exported));
    await Deno.remove(join(run, "publictest.json"));
    await assertThrows(() => scoreRun(run, { log: () => {} }), "but export/ recorded");
    await assertThrows(() => Deno.stat(join(run, "publictest.json")));
  });
});
