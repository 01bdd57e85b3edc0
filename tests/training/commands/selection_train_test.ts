/**
 * `deno task train` with the Selection split, through the real CLI on synthetic prepared data: a
 * new run holds Selection out, chooses on it and reports PublicTest; a run from before the split
 * resumes as it started; changing a run's split midway is refused.
 *
 * @module
 */
import { join } from "node:path";
import { assertEquals, assertOk } from "../../assert.ts";
import { readModelMetadata } from "../../../src/model/io.ts";
import { syntheticSplit, writeSyntheticPrepared } from "../synthetic.ts";
import { withTempDir } from "../../temp_dir.ts";

const TRAIN = new URL("../../../training/commands/train.ts", import.meta.url).pathname;
const CONFIG = new URL("../../../deno.json", import.meta.url).pathname;
const TINY = ["--width", "0.25", "--batch-size", "16", "--no-augment", "--quantization", "none"];

async function train(args: string[]): Promise<{ code: number; log: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, TRAIN, ...TINY, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, log: decode(output.stdout) + decode(output.stderr) };
}

Deno.test("train: a new run trains without Selection, chooses on it and reports PublicTest", async () => {
  await withTempDir("fer-selection-train-", async (root) => {
    const data = join(root, "data");
    await writeSyntheticPrepared(
      data,
      [syntheticSplit("Training", 60, 3, 1), syntheticSplit("PublicTest", 21, 3, 2)],
      ["a", "b", "c"],
    );
    const run = join(root, "run");
    const first = await train(["--data", data, "--run-dir", run, "--epochs", "1"]);
    assertEquals(first.code, 0, first.log);
    // 20 images per class, 2 held out of each; the epochs are measured on those 6.
    assertOk(first.log.includes("Selection: 6 of 60 Training images held out"), first.log);
    assertOk(/epoch 1: .*\| Selection loss/.test(first.log), first.log);
    const record = JSON.parse(await Deno.readTextFile(join(run, "selection.json")));
    assertEquals([record.count, record.of, record.fraction, record.seed], [6, 60, 0.1, 2013]);
    const metadata = await readModelMetadata(join(run, "export"));
    assertEquals(metadata.training.selection, record);
    assertEquals(metadata.metrics.float?.split, "PublicTest");
    assertEquals(metadata.metrics.float?.count, 21, "the report is on all of PublicTest");
    assertEquals((metadata.training.config as { selection?: unknown }).selection, {
      fraction: 0.1,
      seed: 2013,
    });
    // The split cannot change midway.
    const off = await train(["--data", data, "--run-dir", run, "--resume", "--no-selection"]);
    assertOk(
      off.code !== 0 && off.log.includes("cannot continue with no Selection split"),
      off.log,
    );
    const resumed = await train(["--data", data, "--run-dir", run, "--resume", "--epochs", "2"]);
    assertEquals(resumed.code, 0, resumed.log);
    assertEquals(JSON.parse(await Deno.readTextFile(join(run, "history.json"))).length, 2);
  });
});

Deno.test("train: a run from before the Selection split resumes on all of Training and PublicTest", async () => {
  await withTempDir("fer-selection-train-", async (root) => {
    const data = join(root, "data");
    await writeSyntheticPrepared(
      data,
      [syntheticSplit("Training", 30, 3, 1), syntheticSplit("PublicTest", 12, 3, 2)],
      ["a", "b", "c"],
    );
    const run = join(root, "old");
    // --no-selection writes the config an old run has: no selection field.
    const first = await train([
      "--data",
      data,
      "--run-dir",
      run,
      "--epochs",
      "1",
      "--no-selection",
    ]);
    assertEquals(first.code, 0, first.log);
    const saved = JSON.parse(await Deno.readTextFile(join(run, "config.json")));
    assertEquals("selection" in saved, false);
    const resumed = await train(["--data", data, "--run-dir", run, "--resume", "--epochs", "2"]);
    assertEquals(resumed.code, 0, resumed.log);
    assertOk(resumed.log.includes("predates the Selection split"), resumed.log);
    assertOk(/epoch 2: .*\| PublicTest loss/.test(resumed.log), resumed.log);
    assertEquals(
      "selection" in JSON.parse(await Deno.readTextFile(join(run, "config.json"))),
      false,
    );
    await Deno.stat(join(run, "selection.json")).then(
      () => assertOk(false, "no selection.json for an old run"),
      (error) => assertOk(error instanceof Deno.errors.NotFound),
    );
    const exported = (await readModelMetadata(join(run, "export"))).training;
    assertEquals(exported.selection, undefined);
    // Chosen on PublicTest: the log says so whenever the export is not the last epoch.
    assertEquals(
      resumed.log.includes(`note: the export is epoch ${exported.epochs}, chosen on PublicTest`),
      exported.epochs !== 2,
      resumed.log,
    );
    const changed = await train([
      "--data",
      data,
      "--run-dir",
      run,
      "--resume",
      "--selection-seed",
      "3",
    ]);
    assertOk(
      changed.code !== 0 && changed.log.includes("was started with no Selection"),
      changed.log,
    );
  });
});
