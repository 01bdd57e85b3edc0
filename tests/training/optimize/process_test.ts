import { join } from "node:path";
import { loadFerCsvSplits } from "../../../training/data/load.ts";
import {
  type PreparedManifest,
  writeManifest,
  writePreparedSplit,
} from "../../../training/data/cache.ts";
import { defaultConfig, mergeConfig } from "../../../training/config.ts";
import { processEvaluator, trialConfig } from "../../../training/optimize/process.ts";
import { runSearch } from "../../../training/optimize/search.ts";
import { SEED_SPACE } from "../../../training/optimize/space.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const FIXTURE = new URL("../../fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;

/** A stand-in trial script: echoes the config's learning rate as the accuracy, after a pause. */
const STUB = `
const args = Deno.args;
const config = JSON.parse(await Deno.readTextFile(args[args.indexOf("--config") + 1]));
if (config.optimizer === "fail") { console.error("boom"); Deno.exit(3); }
const started = Date.now();
await new Promise((r) => setTimeout(r, 300));
const result = { accuracy: config.learningRate, started, ended: Date.now() };
await Deno.writeTextFile(args[args.indexOf("--result") + 1], JSON.stringify(result));
`;

Deno.test("trialConfig puts the point's values over the base config", () => {
  const base = defaultConfig("a");
  const config = trialConfig(base, { learningRate: 0.001, optimizer: "adam", keepProb: 0.8 });
  assertEquals([config.learningRate, config.optimizer, config.keepProb], [0.001, "adam", 0.8]);
  assertEquals(config.model, "a");
});

Deno.test("two trial processes run side by side; a failing one reports its log tail", async () => {
  const dir = await Deno.makeTempDir();
  const script = join(dir, "stub.ts");
  await Deno.writeTextFile(script, STUB);
  const evaluate = processEvaluator(defaultConfig("a"), dir, { script });
  const [a, b] = await Promise.all([
    evaluate({ learningRate: 0.25 }, 0),
    evaluate({ learningRate: 0.5 }, 1),
  ]);
  assertEquals([a.accuracy, b.accuracy], [0.25, 0.5]);
  assertEquals(
    JSON.parse(await Deno.readTextFile(join(dir, "trial-1", "config.json"))).learningRate,
    0.5,
  );
  // Each stub sleeps 300 ms inside its process: the two sleeps must overlap in time.
  const [x, y] = [a, b] as unknown as { started: number; ended: number }[];
  assertOk(x.started < y.ended && y.started < x.ended, "the trial processes did not overlap");
  await assertThrows(() => evaluate({ optimizer: "fail" }, 2), "trial 2 exited with 3: boom");
});

Deno.test("a real trial: optimize runs trial.ts on prepared data and scores PublicTest", async () => {
  const dir = await Deno.makeTempDir();
  const data = join(dir, "prepared");
  const loaded = await loadFerCsvSplits(FIXTURE);
  const manifest: PreparedManifest = {
    formatVersion: 1,
    labels: loaded.labels,
    expressions: loaded.expressions,
    splits: {},
    features: {},
    source: { path: FIXTURE, bytes: 0, sha256: "" },
    options: {},
  };
  for (const split of [loaded.splits.Training!, loaded.splits.PublicTest!]) {
    await writePreparedSplit(data, split);
    manifest.splits[split.split] = {
      count: split.count,
      classCounts: loaded.classCounts[split.split]!,
    };
  }
  await writeManifest(data, manifest);
  const base = mergeConfig(defaultConfig("a"), { data, epochs: 1, limit: 8, batchSize: 8 });
  const records = await runSearch({
    space: SEED_SPACE,
    maxEvals: 1,
    logPath: join(dir, "trials.jsonl"),
    evaluate: processEvaluator(base, dir, { valLimit: 8 }),
    progress: false,
  });
  assertEquals(records[0].status, "ok", records[0].error);
  assertOk(records[0].accuracy! >= 0 && records[0].accuracy! <= 1);
  assertEquals([records[0].epochs, records[0].bestEpoch], [1, 1]);
});
