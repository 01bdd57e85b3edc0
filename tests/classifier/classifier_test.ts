import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier, modelVersion } from "../../src/classifier/load.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { saveModelDir } from "../../src/model/io.ts";
import { mirrorFace } from "../../src/classifier/views.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";
import { tinyFerModel, tinyMetadata, writeTinyModelDir } from "./tiny_model.ts";

await useWasmBackend();

/** A face whose pixels depend on `seed`. */
function face(seed: number): Uint8Array {
  return Uint8Array.from({ length: 2304 }, (_, i) => (i * (seed + 3) + seed * 17) & 255);
}

Deno.test("the loaded classifier runs on wasm and matches model.predict on scaled pixels", async () => {
  const dir = await writeTinyModelDir();
  const reference = tinyFerModel();
  const classifier = await loadClassifier(dir);
  try {
    assertEquals(tf.getBackend(), "wasm");
    const faces = [face(1), face(2), face(3)];
    const results = await classifier.classify(faces);
    const x = tf.tensor4d(Float32Array.from(faces.flatMap((f) => Array.from(f, (v) => v / 255))), [
      3,
      48,
      48,
      1,
    ]);
    const expected = reference.predict(x) as tf.Tensor;
    const rows = (await expected.array()) as number[][];
    tf.dispose([x, expected]);
    results.forEach((r, i) => {
      Object.values(r.scores).forEach((p, k) => assertAlmostEquals(p, rows[i][k], 1e-6));
    });
    assertOk(results[0].scores.happy !== results[1].scores.happy, "inputs change the output");
  } finally {
    reference.dispose();
    classifier.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batches are independent, empty batches are free, and no tensors leak", async () => {
  const dir = await writeTinyModelDir();
  const classifier = await loadClassifier(dir, { warmUpBatches: [1] });
  try {
    const before = tf.memory().numTensors;
    const batch = await classifier.classify(Array.from({ length: 32 }, (_, i) => face(i)));
    const alone = await classifier.classify([face(20)]);
    assertEquals(await classifier.classify([]), []);
    for (const [label, p] of Object.entries(alone[0].scores)) {
      assertAlmostEquals(batch[20].scores[label], p, 1e-6);
    }
    await assertThrows(() => classifier.classify([new Uint8Array(100)]), "face 0 has 100 bytes");
    assertEquals(tf.memory().numTensors, before);
  } finally {
    classifier.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tta flip gives each face the mean of its own and its mirror image's scores", async () => {
  const dir = await writeTinyModelDir();
  const classifier = await loadClassifier(dir, { warmUpBatches: [] });
  try {
    const before = tf.memory().numTensors;
    const faces = [face(4), face(9)];
    const flipped = await classifier.classify(faces, { tta: "flip" });
    const plain = await classifier.classify(faces);
    const mirrored = await classifier.classify(faces.map((f) => mirrorFace(f, FER_INPUT)));
    flipped.forEach((result, i) => {
      for (const [label, p] of Object.entries(result.scores)) {
        assertAlmostEquals(p, (plain[i].scores[label] + mirrored[i].scores[label]) / 2, 1e-6);
      }
    });
    assertOk(flipped[0].scores.happy !== plain[0].scores.happy, "the mirror view changed nothing");
    await assertThrows(
      () => classifier.classify([face(1), new Uint8Array(7)], { tta: "flip" }),
      "face 1 has 7 bytes",
    );
    assertEquals(tf.memory().numTensors, before);
  } finally {
    classifier.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a mirror-tied model (fer-model.json mirrorSymmetric) is scored on one view even with tta flip", async () => {
  // The tiny model is not tied, so a skipped mirror view shows: flip then equals the plain scores.
  const model = tinyFerModel();
  const metadata = { ...tinyMetadata(), quantization: "none" as const, sizeBytes: 0 };
  const classifier = new FerClassifier(model, { ...metadata, mirrorSymmetric: true });
  try {
    const faces = [face(4), face(9)];
    const flipped = await classifier.classify(faces, { tta: "flip" });
    const plain = await classifier.classify(faces);
    const mirrored = await classifier.classify(faces.map((f) => mirrorFace(f, FER_INPUT)));
    assertEquals(flipped, plain);
    assertOk(mirrored[0].scores.happy !== plain[0].scores.happy, "the tiny model is not tied");
  } finally {
    classifier.dispose();
  }
});

Deno.test("a model that disagrees with its fer-model.json is refused at load time", async () => {
  const model = tinyFerModel();
  try {
    const meta = { ...tinyMetadata(), quantization: "none" as const, sizeBytes: 1 };
    await assertThrows(
      () => new FerClassifier(model, { ...meta, labels: ["a", "b"] }),
      "7 outputs but 2 labels",
    );
    await assertThrows(
      () => new FerClassifier(model, { ...meta, input: { ...meta.input, width: 64 } }),
      "model input is [48,48,1] but fer-model.json says [48,64,1]",
    );
    await assertThrows(
      () => new FerClassifier(model, { ...meta, features: [{ name: "hog", length: 900 }] }),
      "needs feature inputs (hog)",
    );
  } finally {
    model.dispose();
  }
});

Deno.test("modelVersion is a content hash: equal files agree, other weights differ", async () => {
  const a = await writeTinyModelDir();
  const b = await writeTinyModelDir();
  const c = await Deno.makeTempDir();
  const model = tinyFerModel();
  try {
    await saveModelDir(model, c, "uint8", tinyMetadata());
    const [va, vb, vc] = await Promise.all([a, b, c].map((d) => modelVersion(d)));
    assertEquals(va, vb);
    assertOk(/^[0-9a-f]{12}$/.test(va), va);
    assertOk(va !== vc, "quantized weights hash differently");
    assertEquals(await modelVersion(new URL(`file://${a}`)), va);
  } finally {
    model.dispose();
    for (const d of [a, b, c]) await Deno.remove(d, { recursive: true });
  }
});
