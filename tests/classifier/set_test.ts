/**
 * Model sets: a folder of two tiny models scores the weighted mean of its members' probabilities
 * (each with its own pixel scale and mirror tie, computed here independently), with the set's
 * temperature on the mean and the members' own ignored; members that disagree are refused with a
 * clear error; a set's version follows its members and weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier, modelVersion } from "../../src/classifier/load.ts";
import {
  FerSetClassifier,
  weightedMeanProbabilities,
} from "../../src/classifier/set_classifier.ts";
import { readModelFolder, readModelMetadata } from "../../src/model/io.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { makeModelSet } from "../../training/model_set.ts";
import { writeNudgedTinyModel } from "../training/eval_fixtures.ts";
import { withTempDir } from "../temp_dir.ts";
import { expectedSetRows, seededFace, writeTinySet } from "./tiny_set.ts";

await useWasmBackend();

const FACES = [1, 2, 3, 4].map(seededFace);

Deno.test("weighted mean of probability rows, by hand", async () => {
  const mean = weightedMeanProbabilities([[0.8, 0.2, 0.5, 0.5], [0.4, 0.6, 0.1, 0.9]], [3, 1]);
  [0.7, 0.3, 0.4, 0.6].forEach((p, i) => assertAlmostEquals(mean[i], p, 1e-7));
  await assertThrows(() => weightedMeanProbabilities([[1], [1, 0]], [1, 1]), "matrices of 1 vs 2");
  await assertThrows(() => weightedMeanProbabilities([[1]], [0]), "finite numbers > 0");
  await assertThrows(() => weightedMeanProbabilities([], []), "0 probability matrices");
});

Deno.test("a set of two tiny models gives the weighted mean of its members' probabilities", async () => {
  await withTempDir("fer-set-", async (dir) => {
    const setDir = await writeTinySet(dir);
    const set = await loadClassifier(setDir, { warmUpBatches: [1] });
    try {
      assertOk(set instanceof FerSetClassifier, "a set folder loads as a set");
      assertEquals(set.members.map((m) => [m.path, m.weight]), [["a", 0.75], ["b", 0.25]]);
      assertEquals([set.temperature, set.inference, set.labels], [1, "folded", [...FER_EMOTIONS]]);
      const before = tf.memory().numTensors;
      for (const tta of ["none", "flip"] as const) {
        const expected = await expectedSetRows(dir, FACES, tta);
        const got = await set.classify(FACES, { tta });
        got.forEach((face, i) => {
          FER_EMOTIONS.forEach((e, k) => assertAlmostEquals(face.scores[e], expected[i][k], 1e-5));
          const best = expected[i].indexOf(Math.max(...expected[i]));
          assertEquals(face.emotion, FER_EMOTIONS[best]);
        });
      }
      // The members really differ, so the mean is not any one of them.
      const [a, b] = await Promise.all(set.members.map((m) => m.classifier.probabilities(FACES)));
      assertOk(a.some((p, i) => Math.abs(p - b[i]) > 1e-3), "the two members disagree");
      assertEquals(await set.classify([]), []);
      await assertThrows(() => set.classify([new Uint8Array(5)]), "face 0 has 5 bytes");
      assertEquals(tf.memory().numTensors, before, "no tensors leak");
    } finally {
      set.dispose();
    }
  });
});

Deno.test("the set's temperature rescales the mean; the members' own are not used", async () => {
  await withTempDir("fer-set-", async (dir) => {
    const setDir = await writeTinySet(dir, 0.5);
    const set = await loadClassifier(setDir, { warmUpBatches: [] });
    try {
      const expected = await expectedSetRows(dir, FACES, "flip", 0.5);
      const got = await set.classify(FACES, { tta: "flip" });
      got.forEach((face, i) => {
        FER_EMOTIONS.forEach((e, k) => assertAlmostEquals(face.scores[e], expected[i][k], 1e-5));
      });
    } finally {
      set.dispose();
    }
  });
});

Deno.test("members with other labels, another input size, or no folder are refused clearly", async () => {
  await withTempDir("fer-set-", async (dir) => {
    await writeTinySet(dir);
    const reordered = [...FER_EMOTIONS].reverse();
    await writeNudgedTinyModel(join(dir, "c"), 3, { labels: reordered });
    await assertThrows(
      () =>
        makeModelSet({
          out: join(dir, "bad"),
          members: [{ dir: join(dir, "a") }, { dir: join(dir, "c") }],
        }),
      `member "c" has labels (${reordered.join(", ")}) but the set has (${
        FER_EMOTIONS.join(", ")
      })`,
    );
    assertEquals(await Deno.stat(join(dir, "bad")).then(() => true, () => false), false);
    // A hand-edited set folder whose member disagrees is refused at load time too.
    const setDir = join(dir, "set");
    await Deno.mkdir(join(setDir, "c"));
    for (const f of ["model.json", "weights.bin", "fer-model.json"]) {
      await Deno.copyFile(join(dir, "c", f), join(setDir, "c", f));
    }
    const metaPath = join(setDir, "fer-model.json");
    const good = JSON.parse(await Deno.readTextFile(metaPath));
    const write = (meta: unknown) => Deno.writeTextFile(metaPath, JSON.stringify(meta));
    await write({ ...good, members: [...good.members, { path: "c", weight: 1 }] });
    await assertThrows(() => loadClassifier(setDir), `member "c" has labels`);
    await write({ ...good, members: [{ path: "../a", weight: 1 }] });
    await assertThrows(() => loadClassifier(setDir), "path must be the name of a subfolder");
    await write({ ...good, members: [{ path: "a", weight: 0 }] });
    await assertThrows(
      () => loadClassifier(setDir),
      `member "a": weight must be a finite number > 0`,
    );
    await write({ ...good, members: [] });
    await assertThrows(() => loadClassifier(setDir), "needs members");
    await write({ ...good, members: [{ path: "gone", weight: 1 }] });
    await assertThrows(() => loadClassifier(setDir), "gone is not an exported model folder");
    // Wider input for one member.
    await write(good);
    const bMeta = join(setDir, "b", "fer-model.json");
    const b = JSON.parse(await Deno.readTextFile(bMeta));
    await Deno.writeTextFile(bMeta, JSON.stringify({ ...b, input: { ...b.input, width: 64 } }));
    await assertThrows(() => loadClassifier(setDir), `member "b" takes 64x48x1 faces`);
    await Deno.writeTextFile(bMeta, JSON.stringify(b));
    // Restored, it loads again; a set is no single model for tools that need one.
    (await loadClassifier(setDir, { warmUpBatches: [] })).dispose();
    await assertThrows(() => readModelMetadata(setDir), "is a model set");
    await assertThrows(
      () => makeModelSet({ out: join(dir, "nested"), members: [{ dir: setDir }] }),
      "is itself a model set",
    );
    await assertThrows(
      () => makeModelSet({ out: setDir, members: [{ dir: join(dir, "a") }] }),
      "exists; pass --force",
    );
  });
});

Deno.test("a set's version follows its members' versions and weights", async () => {
  await withTempDir("fer-set-", async (dir) => {
    const setDir = await writeTinySet(dir);
    const members = [{ dir: join(dir, "a") }, { dir: join(dir, "b") }];
    const again = await makeModelSet({
      out: join(dir, "again"),
      members: [
        { dir: join(dir, "a"), weight: 6 },
        { dir: join(dir, "b"), weight: 2 },
      ],
    });
    const equal = await makeModelSet({ out: join(dir, "equal"), members });
    const [v, va, vb] = await Promise.all(
      [setDir, join(dir, "a"), join(dir, "b")].map((d) => modelVersion(d)),
    );
    assertOk(/^[0-9a-f]{12}$/.test(v), v);
    assertEquals(again.version, v, "weights 6:2 average as 3:1 do");
    assertOk(equal.version !== v, "other weights, another version");
    assertOk(v !== va && v !== vb, "not a member's version");
    // --force replaces a set in place, even one of whose members is read from inside it.
    const inPlace = await makeModelSet({
      out: setDir,
      force: true,
      members: [{ dir: join(setDir, "a"), weight: 1 }, { dir: join(setDir, "b"), weight: 1 }],
    });
    assertEquals(inPlace.version, equal.version);
    const folder = await readModelFolder(setDir);
    assertEquals(folder.kind === "set" && folder.members.map((m) => m.path), ["a", "b"]);
  });
});
