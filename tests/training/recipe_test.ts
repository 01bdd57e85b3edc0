import { join } from "node:path";
import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import { readModelMetadata } from "../../src/model/io.ts";
import { describeStep, parseRecipe, type Recipe } from "../../training/recipe.ts";
import {
  runRecipe,
  type ScriptRunner,
  stepCommand,
  stepState,
} from "../../training/recipe_runner.ts";
import { syntheticSplit, writeSyntheticPrepared } from "./synthetic.ts";
import { withTempDir } from "../temp_dir.ts";

/** Train 2 epochs, continue to 3, average 2-3, fork, distil to 4, average 4. */
const TINY_RECIPE: Recipe = {
  name: "tiny",
  trainFlags: ["--keep-epochs"],
  steps: [
    { kind: "train", run: "base", epochs: 2 },
    { kind: "train", run: "base", epochs: 3 },
    { kind: "average", run: "base", from: 2, to: 3, out: "teacher" },
    { kind: "fork", run: "base", to: "kd" },
    { kind: "train", run: "kd", epochs: 4, restartAt: 3, learningRate: 0.005, teacher: "teacher" },
    { kind: "average", run: "kd", from: 4, to: 4, out: "model" },
  ],
  result: "model",
};

/** A stand-in for the CLIs: train writes `--epochs` history records, average a model file. */
function fakeScripts(calls: string[][], failAt?: { call: number; code: number; epochs?: number }) {
  const runner: ScriptRunner = async (script, args) => {
    calls.push([script, ...args]);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    const failing = failAt?.call === calls.length;
    if (script === "commands/train.ts") {
      const runDir = flag("--run-dir");
      const epochs = failing ? failAt!.epochs ?? 0 : Number(flag("--epochs"));
      await Deno.mkdir(join(runDir, "epochs"), { recursive: true });
      await Deno.mkdir(join(runDir, "export"), { recursive: true });
      await Deno.writeTextFile(join(runDir, "teacher-scores.json"), "{}");
      const history = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1 }));
      await Deno.writeTextFile(join(runDir, "history.json"), JSON.stringify(history));
    } else if (script === "commands/prepare_photos.ts") {
      await Deno.mkdir(flag("--out"), { recursive: true });
      if (!failing) await Deno.writeTextFile(join(flag("--out"), "manifest.json"), "{}");
    } else {
      // average and export write --to, make:set writes --out.
      const out = args.includes("--to") ? flag("--to") : flag("--out");
      await Deno.mkdir(out, { recursive: true });
      if (!failing) await Deno.writeTextFile(join(out, "fer-model.json"), "{}");
    }
    return failing ? failAt!.code : 0;
  };
  return runner;
}

/** A temporary recipe root for one test. */
const withRoot = (fn: (root: string) => Promise<void>) => withTempDir("fer-recipe-", fn);

Deno.test("runRecipe runs the steps in order with the CLI flags, then skips them all", async () => {
  await withRoot(async (root) => {
    const calls: string[][] = [];
    const first = await runRecipe(TINY_RECIPE, {
      root,
      extraTrainFlags: ["--data", "d"],
      runScript: fakeScripts(calls),
      log: () => {},
    });
    assertEquals(first.complete, true);
    assertEquals(first.executed, 6);
    assertEquals(calls.map((c) => c[0]), [
      "commands/train.ts",
      "commands/train.ts",
      "commands/average.ts",
      "commands/train.ts",
      "commands/average.ts",
    ]);
    assertEquals(calls[0].slice(1), [
      "--run-dir",
      join(root, "base"),
      "--resume",
      "--epochs",
      "2",
      "--keep-epochs",
      "--data",
      "d",
    ]);
    const kd = calls[3].join(" ");
    assertOk(kd.includes(`--restart-at 3 --lr 0.005 --teacher ${join(root, "teacher")}`), kd);
    assertEquals(calls[2].slice(-2), ["--to", join(root, "teacher.partial")]);
    // The averaged model landed under its final name.
    assertOk((await Deno.stat(join(root, "teacher", "fer-model.json"))).isFile);
    assertEquals(first.result, join(root, "model"));

    const again = await runRecipe(TINY_RECIPE, {
      root,
      runScript: fakeScripts(calls),
      log: () => {},
    });
    assertEquals(again, { complete: true, executed: 0, result: join(root, "model") });
    assertEquals(calls.length, 5);
  });
});

Deno.test("a fork copies the run with its checkpoint but not its snapshots, export or teacher cache", async () => {
  await withRoot(async (root) => {
    const base = join(root, "base");
    await Deno.mkdir(join(base, "checkpoint"), { recursive: true });
    await Deno.mkdir(join(base, "epochs", "epoch-001"), { recursive: true });
    await Deno.mkdir(join(base, "export"));
    for (
      const file of ["history.json", "config.json", "teacher-scores.f32", "checkpoint/state.json"]
    ) {
      await Deno.writeTextFile(join(base, file), file);
    }
    const fork: Recipe = { ...TINY_RECIPE, steps: [{ kind: "fork", run: "base", to: "kd" }] };
    const outcome = await runRecipe(fork, { root, runScript: fakeScripts([]), log: () => {} });
    assertEquals(outcome.complete, true);
    const names = [];
    for await (const entry of Deno.readDir(join(root, "kd"))) names.push(entry.name);
    assertEquals(names.sort(), ["checkpoint", "config.json", "history.json"]);
    assertEquals(
      await Deno.readTextFile(join(root, "kd", "checkpoint", "state.json")),
      "checkpoint/state.json",
    );
  });
});

Deno.test("runRecipe stops at an interrupted step and the next call continues from it", async () => {
  await withRoot(async (root) => {
    const calls: string[][] = [];
    const lines: string[] = [];
    const stopped = await runRecipe(TINY_RECIPE, {
      root,
      runScript: fakeScripts(calls, { call: 2, code: 130, epochs: 2 }),
      log: (line) => lines.push(line),
    });
    assertEquals(stopped.complete, false);
    assertEquals(stopped.stopped?.code, 130);
    assertEquals(stopped.stopped?.step, TINY_RECIPE.steps[1]);
    assertEquals(calls.length, 2);
    assertOk(lines.at(-1)!.includes("run the same command again"), lines.at(-1));
    assertEquals(await stepState(TINY_RECIPE.steps[1], root), {
      done: false,
      detail: "2/3 epochs",
    });

    const resumed = await runRecipe(TINY_RECIPE, {
      root,
      runScript: fakeScripts(calls),
      log: () => {},
    });
    assertEquals(resumed.complete, true);
    assertEquals(resumed.executed, 5);
    assertEquals(calls[2].slice(0, 6), [
      "commands/train.ts",
      "--run-dir",
      join(root, "base"),
      "--resume",
      "--epochs",
      "3",
    ]);
  });
});

Deno.test("runRecipe treats a half-written average and an early-stopped run as not done", async () => {
  await withRoot(async (root) => {
    const calls: string[][] = [];
    // The average "crashes" after creating its folder: nothing under the final name.
    const failed = await runRecipe(TINY_RECIPE, {
      root,
      runScript: fakeScripts(calls, { call: 3, code: 1 }),
      log: () => {},
    });
    assertEquals(failed.stopped?.step.kind, "average");
    assertEquals((await stepState(TINY_RECIPE.steps[2], root)).done, false);
    // A training that exits 0 short of its epochs (early stopping) stops the recipe too.
    await withRoot(async (other) => {
      const short = await runRecipe(TINY_RECIPE, {
        root: other,
        runScript: fakeScripts([], { call: 1, code: 0, epochs: 1 }),
        log: () => {},
      });
      assertEquals(short.stopped, { step: TINY_RECIPE.steps[0], code: 1 });
    });
  });
});

Deno.test("the tiny recipe runs end to end through the real train and average CLIs", async () => {
  await withRoot(async (root) => {
    const data = join(root, "data");
    await writeSyntheticPrepared(
      data,
      [syntheticSplit("Training", 48, 3, 1), syntheticSplit("PublicTest", 24, 3, 2)],
      ["a", "b", "c"],
    );
    const recipe: Recipe = {
      ...TINY_RECIPE,
      trainFlags: [
        "--keep-epochs",
        "--width",
        "0.25",
        "--batch-size",
        "16",
        "--no-augment",
        "--quantization",
        "float16",
      ],
    };
    const outcome = await runRecipe(recipe, {
      root,
      extraTrainFlags: ["--data", data],
      log: () => {},
    });
    assertEquals(outcome.stopped, undefined);
    const metadata = await readModelMetadata(outcome.result);
    assertEquals(metadata.labels, ["a", "b", "c"]);
    assertEquals(metadata.training.averagedEpochs, [4]);
    const history = JSON.parse(await Deno.readTextFile(join(root, "kd", "history.json")));
    assertEquals(history.length, 4);
    // The distillation cycle read its teacher's scores, cached in its own run folder.
    assertOk((await Deno.stat(join(root, "kd", "teacher-scores.json"))).isFile);
  });
});

Deno.test("parseRecipe accepts a recipe file and names the first thing wrong in a bad one", async () => {
  const json = {
    name: "born-again",
    trainFlags: ["--workers", "2"],
    steps: [
      { kind: "train", run: "s1", epochs: 38, teacher: "/models/a,t1", flags: ["--seed", "7"] },
      { kind: "average", run: "s1", from: 30, to: 38, out: "model" },
    ],
    result: "model",
  };
  const recipe = parseRecipe(json);
  assertEquals(recipe.steps[0], {
    kind: "train",
    run: "s1",
    epochs: 38,
    teacher: "/models/a,t1",
    flags: ["--seed", "7"],
  });
  // Teachers resolve against the root unless absolute; a step's flags follow the recipe's.
  const args = stepCommand(recipe.steps[0], recipe, "/runs")!.args.join(" ");
  assertOk(args.endsWith("--teacher /models/a,/runs/t1 --workers 2 --seed 7"), args);

  const broken = (change: Record<string, unknown>, index = 0) => ({
    ...json,
    steps: json.steps.map((step, i) => i === index ? { ...step, ...change } : step),
  });
  await assertThrows(() => parseRecipe(broken({ kind: "evaluate" })), "step 1.kind");
  await assertThrows(() => parseRecipe(broken({ epochs: 0 })), "step 1.epochs");
  await assertThrows(() => parseRecipe(broken({ flags: "--seed 7" })), "step 1.flags");
  await assertThrows(() => parseRecipe(broken({ from: 40 }, 1)), "step 2: to (38) is before");
  await assertThrows(() => parseRecipe(broken({ out: "" }, 1)), "step 2.out");
  await assertThrows(() => parseRecipe({ ...json, steps: [] }), "steps");
  await assertThrows(() => parseRecipe({ ...json, result: undefined }), "result");
  await assertThrows(() => parseRecipe([]), "the file");
});

Deno.test("a step that mixes in FER+ votes gets the runner's votes file, and runs refuse to start without one", async () => {
  const recipe = parseRecipe({
    trainFlags: [],
    steps: [
      { kind: "train", run: "s1", epochs: 2 },
      { kind: "train", run: "s2", epochs: 2, teacher: "t", ferplusWeight: 0.2 },
    ],
    result: "s2",
  });
  assertEquals(
    describeStep(recipe.steps[1]),
    "train s2 to epoch 2 taught by t with 20% FER+ votes",
  );
  const args = stepCommand(recipe.steps[1], recipe, "/runs", { ferplus: "votes.csv" })!.args;
  assertOk(args.join(" ").includes("--ferplus votes.csv --ferplus-weight 0.2"), args.join(" "));
  const plain = stepCommand(recipe.steps[0], recipe, "/runs", { ferplus: "votes.csv" })!.args;
  assertEquals(plain.includes("--ferplus"), false);
  assertThrows(() => stepCommand(recipe.steps[1], recipe, "/runs"), "pass --ferplus");
  await withRoot(async (root) => {
    const calls: string[][] = [];
    await assertThrows(
      () => runRecipe(recipe, { root, runScript: fakeScripts(calls), log: () => {} }),
      '"train s2 to epoch 2 taught by t with 20% FER+ votes" mixes in FER+ votes',
    );
    assertEquals(calls.length, 0); // refused before the first step, not hours later
  });
  await assertThrows(
    () =>
      Promise.resolve(parseRecipe({
        steps: [{ kind: "train", run: "s", epochs: 1, ferplusWeight: 2 }],
        result: "s",
      })),
    "step 1.ferplusWeight must be in (0, 1]",
  );
});

Deno.test("a photos step prepares the runner's photos into the root; train steps start from and train on what earlier steps made", async () => {
  const recipe = parseRecipe({
    trainFlags: [],
    steps: [
      { kind: "train", run: "base", epochs: 2 },
      { kind: "average", run: "base", from: 2, to: 2, out: "fer" },
      { kind: "photos", out: "photo-data", folds: 2, trainFold: 0, repeat: 8 },
      {
        kind: "train",
        run: "ft",
        epochs: 1,
        initFrom: "fer",
        data: "photo-data",
        teacher: "fer",
        photoTeacher: "fer,/abs/p",
      },
    ],
    result: "ft",
  });
  assertEquals(
    describeStep(recipe.steps[2]),
    "add fold 0 of 2 of the photos (x8) into photo-data",
  );
  assertEquals(
    describeStep(recipe.steps[3]),
    "train ft to epoch 1 from fer on photo-data taught by fer (photos by fer,/abs/p)",
  );
  await withRoot(async (root) => {
    const calls: string[][] = [];
    await assertThrows(
      () => runRecipe(recipe, { root, runScript: fakeScripts(calls), log: () => {} }),
      "pass --photos DIR",
    );
    assertEquals(calls.length, 0);
    const inputs = { data: "prepared", photos: "shots" };
    const outcome = await runRecipe(recipe, {
      root,
      ...inputs,
      runScript: fakeScripts(calls),
      log: () => {},
    });
    assertEquals(outcome.complete, true);
    assertEquals(calls[2], [
      "commands/prepare_photos.ts",
      ...["--dir", "shots", "--base", "prepared", "--out", join(root, "photo-data.partial")],
      ...["--folds", "2", "--train-fold", "0", "--repeat", "8"],
    ]);
    // The first run trains on the runner's data, the fine-tune on the photos step's.
    assertOk(calls[0].join(" ").includes("--data prepared"), calls[0].join(" "));
    const ft = calls[3].join(" ");
    assertOk(
      ft.includes(`--init-from ${join(root, "fer")} --data ${join(root, "photo-data")}`),
      ft,
    );
    assertEquals(calls[3].filter((arg) => arg === "--data").length, 1);
    assertOk(ft.includes(`--photo-teacher ${join(root, "fer")},/abs/p`), ft);
    assertEquals((await stepState(recipe.steps[2], root)).done, true);
    const again = await runRecipe(recipe, {
      root,
      ...inputs,
      runScript: fakeScripts(calls),
      log: () => {},
    });
    assertEquals(again.executed, 0);
  });
  await assertThrows(
    () =>
      Promise.resolve(parseRecipe({
        steps: [{ kind: "photos", out: "p", folds: 2, trainFold: 2, repeat: 1 }],
        result: "p",
      })),
    "step 1.trainFold must be a whole number below folds (2)",
  );
});

Deno.test("export and set steps write the last epoch and a set of earlier models, then count as done", async () => {
  const recipe = parseRecipe({
    trainFlags: [],
    steps: [
      { kind: "train", run: "a", epochs: 1 },
      { kind: "export", run: "a", out: "first" },
      { kind: "train", run: "b", epochs: 1, initFrom: "first", flags: ["--freeze-convs", "4"] },
      { kind: "export", run: "b", out: "second" },
      { kind: "set", members: ["first", "second"], out: "both" },
    ],
    result: "both",
  });
  assertEquals(describeStep(recipe.steps[1]), "export a's last epoch into first");
  assertEquals(describeStep(recipe.steps[4]), "set of first + second into both");
  await assertThrows(
    () => parseRecipe({ steps: [{ kind: "set", members: ["x"], out: "y" }], result: "y" }),
    "step 1.members must name two or more model folders",
  );
  await withRoot(async (root) => {
    const calls: string[][] = [];
    const outcome = await runRecipe(recipe, { root, runScript: fakeScripts(calls), log: () => {} });
    assertEquals(outcome.complete, true);
    assertEquals(calls[1], [
      "commands/export.ts",
      ...["--run", join(root, "a"), "--to", join(root, "first.partial"), "--latest"],
    ]);
    assertEquals(calls[4], [
      "commands/make_set.ts",
      ...["--out", join(root, "both.partial"), "--name", "both"],
      ...["--member", join(root, "first"), "--member", join(root, "second")],
    ]);
    for (const step of recipe.steps) assertEquals((await stepState(step, root)).done, true);
    const again = await runRecipe(recipe, { root, runScript: fakeScripts(calls), log: () => {} });
    assertEquals([again.executed, calls.length], [0, 5]);
  });
});
