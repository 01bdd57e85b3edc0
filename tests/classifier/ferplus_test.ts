/**
 * The classifier with an 8-class FER+ model: it loads with its eight labels, scores every face over
 * all eight (contempt included, summing to 1), averages mirror views and applies its temperature
 * per class as for seven (checked against `model.predict` by hand); a folder whose labels repeat a
 * name, or do not match the outputs, is refused; and a model set that mixes a 7-label member with
 * an 8-label one is refused clearly, however it is built.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { FerSetClassifier } from "../../src/classifier/set_classifier.ts";
import { mirrorFace } from "../../src/classifier/views.ts";
import { loadLayersModelDir } from "../../src/model/io.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { makeModelSet } from "../../training/model_set.ts";
import { withTempDir } from "../temp_dir.ts";
import { seededFace } from "./tiny_set.ts";
import { writeTinyModelDir } from "./tiny_model.ts";
import { FERPLUS_LABELS, writeMixedLabelSet, writeTinyFerPlusDir } from "./tiny_ferplus.ts";

await useWasmBackend();

const FACES = [1, 2, 3].map(seededFace);

/** `model.predict` of `faces` (scaled as the contract says), one row per face. */
async function predictRows(dir: string, faces: readonly Uint8Array[]): Promise<number[][]> {
  const model = await loadLayersModelDir(dir);
  const x = tf.tensor4d(
    Float32Array.from(faces.flatMap((f) => Array.from(f, (v) => v * FER_INPUT.scale))),
    [faces.length, 48, 48, 1],
  );
  const y = model.predict(x) as tf.Tensor;
  const rows = await y.array() as number[][];
  tf.dispose([x, y]);
  model.dispose();
  return rows;
}

Deno.test("a FER+ model scores all eight classes, with mirror views and its temperature", async () => {
  await withTempDir("fer-ferplus-", async (tmp) => {
    const temperature = 0.6;
    const dir = await writeTinyFerPlusDir(join(tmp, "ferplus"), { temperature });
    const classifier = await loadClassifier(dir, { warmUpBatches: [1] });
    try {
      assertOk(classifier instanceof FerClassifier);
      assertEquals([...classifier.labels], FERPLUS_LABELS);
      const plain = await predictRows(dir, FACES);
      const mirrored = await predictRows(dir, FACES.map((f) => mirrorFace(f, FER_INPUT)));
      for (const tta of ["none", "flip"] as const) {
        const got = await classifier.classify(FACES, { tta });
        got.forEach((face, i) => {
          const mean = tta === "none" ? plain[i] : plain[i].map((p, k) => (p + mirrored[i][k]) / 2);
          const powered = mean.map((p) => p ** (1 / temperature));
          const sum = powered.reduce((a, b) => a + b, 0);
          assertEquals(Object.keys(face.scores), FERPLUS_LABELS);
          FERPLUS_LABELS.forEach((label, k) =>
            assertAlmostEquals(face.scores[label], powered[k] / sum, 1e-5)
          );
          const total = Object.values(face.scores).reduce((a, b) => a + b, 0);
          assertAlmostEquals(total, 1, 1e-5);
          assertEquals([face.emotion, face.confidence], ["contempt", face.scores.contempt]);
        });
      }
      // A face of the wrong size is refused, and the next call answers as before.
      const before = await classifier.classify(FACES);
      await assertThrows(() => classifier.classify([new Uint8Array(2303)]), "face 0 has 2303");
      assertEquals(await classifier.classify(FACES), before);
    } finally {
      classifier.dispose();
    }
  });
});

Deno.test("labels that repeat a name or miss an output are refused at load", async () => {
  await withTempDir("fer-ferplus-", async (tmp) => {
    const dir = await writeTinyFerPlusDir(join(tmp, "ferplus"));
    const metaPath = join(dir, "fer-model.json");
    const good = JSON.parse(await Deno.readTextFile(metaPath));
    const write = (labels: unknown) =>
      Deno.writeTextFile(metaPath, JSON.stringify({ ...good, labels }));
    // Scores are keyed by label: a repeated name would silently lose a class's score.
    await write([...FER_EMOTIONS, "happy"]);
    await assertThrows(() => loadClassifier(dir), 'lists label "happy" twice');
    await write([...FER_EMOTIONS]);
    await assertThrows(() => loadClassifier(dir), "model has 8 outputs but 7 labels");
    await write([...FER_EMOTIONS, ""]);
    await assertThrows(() => loadClassifier(dir), 'labels[7] must be a non-empty string, got ""');
    await write(undefined);
    await assertThrows(() => loadClassifier(dir), "needs labels");
    // Restored, it loads again.
    await write(FERPLUS_LABELS);
    (await loadClassifier(dir, { warmUpBatches: [] })).dispose();
  });
});

Deno.test("a set mixing a 7-label and an 8-label member is refused, however it is built", async () => {
  await withTempDir("fer-ferplus-", async (tmp) => {
    const set = await writeMixedLabelSet(tmp);
    const why = `member "fer2013" has labels (${FER_EMOTIONS.join(", ")}) but the set has (${
      FERPLUS_LABELS.join(", ")
    }) (7 classes against the set's 8)`;
    await assertThrows(() => loadClassifier(set), why);
    // deno task make:set refuses to assemble one.
    await assertThrows(
      () =>
        makeModelSet({
          out: join(tmp, "made"),
          members: [{ dir: join(set, "ferplus") }, { dir: join(set, "fer2013") }],
        }),
      "(7 classes against the set's 8)",
    );
    // And a set built in code from loaded members.
    const seven = await writeTinyModelDir();
    const members = await Promise.all([join(set, "ferplus"), seven].map(async (dir, i) => ({
      path: ["ferplus", "fer2013"][i],
      weight: 0.5,
      dir,
      classifier: await loadClassifier(dir, { warmUpBatches: [] }) as FerClassifier,
    })));
    try {
      await assertThrows(
        () =>
          new FerSetClassifier({
            formatVersion: 1,
            kind: "set",
            name: "mixed",
            labels: FERPLUS_LABELS,
            members: members.map((m) => ({ path: m.path, weight: m.weight })),
            exportedAt: "2026-12-03T00:00:00.000Z",
          }, members),
        `member "fer2013" has 7 labels (${FER_EMOTIONS.join(", ")}) but the set has 8`,
      );
      // The FER+ member alone is a valid set of eight labels.
      const alone = new FerSetClassifier({
        formatVersion: 1,
        kind: "set",
        name: "ferplus-set",
        labels: FERPLUS_LABELS,
        members: [{ path: "ferplus", weight: 1 }],
        exportedAt: "2026-12-03T00:00:00.000Z",
      }, [{ ...members[0], weight: 1 }]);
      const [face] = await alone.classify(FACES.slice(0, 1));
      assertEquals(Object.keys(face.scores), FERPLUS_LABELS);
    } finally {
      for (const m of members) m.classifier.dispose();
      await Deno.remove(seven, { recursive: true });
    }
  });
});
