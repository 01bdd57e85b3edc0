import { join } from "node:path";
import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import {
  complementIndices,
  DEFAULT_SELECTION,
  indicesSha256,
  selectionIndices,
  selectionRecord,
  splitSelection,
} from "../../training/selection.ts";
import {
  readRunSelection,
  recordSelection,
  resumeSelection,
} from "../../training/selection_run.ts";
import { defaultConfig, mergeConfig, validateConfig } from "../../training/config.ts";
import { parseTrainArgs } from "../../training/cli_config.ts";
import { readRunConfig } from "../../training/run_folder.ts";
import { syntheticSplit } from "./synthetic.ts";
import { withTempDir } from "../temp_dir.ts";

/** Labels with FER2013 Training's class counts (shared/README), classes interleaved. */
function fer2013TrainingLabels(): Uint8Array {
  const counts = [3995, 436, 4097, 7215, 4830, 3171, 4965];
  const labels: number[] = [];
  const left = [...counts];
  while (left.some((n) => n > 0)) {
    left.forEach((n, c) => {
      if (n > 0) {
        labels.push(c);
        left[c]--;
      }
    });
  }
  return Uint8Array.from(labels);
}

Deno.test("Selection holds out round(10%) of every class: FER2013 Training's counts by hand", () => {
  const labels = fer2013TrainingLabels();
  assertEquals(labels.length, 28709);
  const held = selectionIndices(labels, DEFAULT_SELECTION);
  const perClass = new Array(7).fill(0);
  for (const i of held) perClass[labels[i]]++;
  // round(399.5, 43.6, 409.7, 721.5, 483, 317.1, 496.5)
  assertEquals(perClass, [400, 44, 410, 722, 483, 317, 497]);
  assertEquals(held.length, 2873);
  for (let j = 1; j < held.length; j++) assertOk(held[j] > held[j - 1], "ascending, distinct");
  // Fixed by the seed: the same call gives the same indices, another seed others.
  assertEquals(selectionIndices(labels, DEFAULT_SELECTION), held);
  const other = selectionIndices(labels, { fraction: 0.1, seed: 7 });
  assertEquals(other.length, held.length);
  assertOk(other.some((v, j) => v !== held[j]), "another seed draws other images");
});

Deno.test("the split is Training cut in two: disjoint, complete, rows carried with their labels", () => {
  const training = syntheticSplit("Training", 40, 4, 3, 5);
  const held = selectionIndices(training.labels, { fraction: 0.25, seed: 1 });
  assertEquals(held.length, 12); // 10 images per class, round(2.5) = 3 each
  const { train, selection, trainRows } = splitSelection(training, held);
  assertEquals([train.count, selection.count], [28, 12]);
  assertEquals(
    [...trainRows, ...held].sort((a, b) => a - b),
    Array.from({ length: 40 }, (_, i) => i),
  );
  selection.labels.forEach((label, j) => assertEquals(label, training.labels[held[j]]));
  const i = held[5];
  assertEquals(
    selection.images.subarray(5 * 2304, 6 * 2304),
    training.images.subarray(i * 2304, (i + 1) * 2304),
  );
  assertEquals(
    selection.features.hog.subarray(25, 30),
    training.features.hog.subarray(i * 5, i * 5 + 5),
  );
  assertEquals(complementIndices(5, Uint32Array.from([1, 3])), Uint32Array.from([0, 2, 4]));
});

Deno.test("the split's fingerprint is SHA-256 of the indices as little-endian uint32", async () => {
  // python3: hashlib.sha256(struct.pack('<2I', 0, 1)).hexdigest()
  assertEquals(
    await indicesSha256(Uint32Array.from([0, 1])),
    "01acecb507abfe1a354aa8064f4af5d3f1acd019e37db3c11c97523b71c76e9d",
  );
  const record = await selectionRecord({ fraction: 0.5, seed: 3 }, Uint32Array.from([0, 1]), 4);
  assertEquals(record.count, 2);
  assertEquals(record.of, 4);
});

Deno.test("bad Selection settings are refused by name", async () => {
  for (const fraction of [0, 1, -0.1, NaN]) {
    await assertThrows(() => selectionIndices([0, 1], { fraction, seed: 1 }), "fraction");
    await assertThrows(
      () => validateConfig({ ...defaultConfig("default"), selection: { fraction, seed: 1 } }),
      "config: selection fraction",
    );
  }
  await assertThrows(() => selectionIndices([0], { fraction: 0.1, seed: 1.5 }), "seed");
});

Deno.test("new runs get the Selection split; --no-selection and --selection-* set it", async () => {
  assertEquals((await parseTrainArgs([])).config.selection, { fraction: 0.1, seed: 2013 });
  assertEquals((await parseTrainArgs([])).flags.selectionGiven, false);
  const off = await parseTrainArgs(["--no-selection"]);
  assertEquals([off.config.selection, off.flags.selectionGiven], [undefined, true]);
  const custom = await parseTrainArgs(["--selection-seed", "5"]);
  assertEquals(custom.config.selection, { fraction: 0.1, seed: 5 });
  await assertThrows(
    () => parseTrainArgs(["--no-selection", "--selection-seed", "5"]),
    "cannot be combined",
  );
  // A JSON config says "none" with null; the default config object is not shared between calls.
  assertEquals(mergeConfig(defaultConfig("a"), { selection: null } as never).selection, undefined);
  defaultConfig("a").selection!.seed = 99;
  assertEquals(defaultConfig("a").selection!.seed, 2013);
});

Deno.test("a resumed run keeps the split it started with; asking for another is refused", async () => {
  await withTempDir("fer-selection-", async (dir) => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const fresh = defaultConfig("default");
    // No config.json yet: a fresh run, the config as given.
    assertEquals(await resumeSelection(fresh, dir, true, false, log), fresh);
    // A run from before the split: its config.json has no selection.
    const { selection: _, ...old } = fresh;
    await Deno.writeTextFile(join(dir, "config.json"), JSON.stringify(old));
    const resumed = await resumeSelection(fresh, dir, true, false, log);
    assertEquals(resumed.selection, undefined);
    assertOk(lines[0].includes("predates the Selection split"), lines[0]);
    assertEquals((await readRunConfig(dir)).selection, undefined, "export/average read it so too");
    await assertThrows(() => resumeSelection(fresh, dir, true, true, log), "cannot continue");
    // Without --resume the folder's config does not matter.
    assertEquals(await resumeSelection(fresh, dir, false, true, log), fresh);
    // A run with the split continues with it, and refuses --no-selection.
    await Deno.writeTextFile(
      join(dir, "config.json"),
      JSON.stringify({ ...fresh, selection: { fraction: 0.2, seed: 4 } }),
    );
    assertEquals(
      (await resumeSelection(fresh, dir, true, false, log)).selection,
      { fraction: 0.2, seed: 4 },
    );
    await assertThrows(
      () => resumeSelection(old, dir, true, true, log),
      "was started with fraction 0.2",
    );
  });
});

Deno.test("selection.json is written once and a resume on other data is refused", async () => {
  await withTempDir("fer-selection-", async (dir) => {
    assertEquals(await readRunSelection(dir), undefined);
    const record = await selectionRecord({ fraction: 0.5, seed: 1 }, Uint32Array.from([0, 2]), 4);
    await recordSelection(dir, record);
    await recordSelection(dir, record); // the same split again: fine
    assertEquals(await readRunSelection(dir), record);
    const other = await selectionRecord({ fraction: 0.5, seed: 1 }, Uint32Array.from([1, 2]), 4);
    await assertThrows(() => recordSelection(dir, other), "different CSV");
  });
});
