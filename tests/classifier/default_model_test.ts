/**
 * Runs the shipped model in `models/default/` through the classifier, when it has been committed.
 * Until then the test is skipped with a loud message (route tests use a tiny seeded model instead).
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { FerSetClassifier } from "../../src/classifier/set_classifier.ts";
import { DEFAULT_MODEL_DIR } from "../../src/server/config.ts";
import { FER_EMOTIONS } from "../../src/face.ts";

const present = await Deno.stat(new URL("fer-model.json", DEFAULT_MODEL_DIR)).then(
  () => true,
  () => false,
);
if (!present) {
  console.warn(
    `\n!!! SKIPPED: ${DEFAULT_MODEL_DIR.pathname} has no fer-model.json yet; the shipped model ` +
      "is not tested until it is committed. !!!\n",
  );
}

Deno.test({
  name: "models/default loads on wasm, is image-only 48x48 and gives distributions",
  ignore: !present,
  async fn() {
    const classifier = await loadClassifier(DEFAULT_MODEL_DIR);
    try {
      const meta = classifier.metadata;
      // The shipped default may be a model set: then each member must be an image-only 48x48 model.
      const models = classifier instanceof FerSetClassifier
        ? classifier.members.map((m) => m.classifier.metadata)
        : [classifier.metadata];
      for (const model of models) {
        assertEquals(model.features, []);
        assertEquals([model.input.width, model.input.height, model.input.channels], [48, 48, 1]);
      }
      for (const label of FER_EMOTIONS) assertOk(meta.labels.includes(label), label);
      const faces = [0, 128, 255].map((v) => new Uint8Array(2304).fill(v));
      faces.push(Uint8Array.from({ length: 2304 }, (_, i) => (i * 37 + (i >> 6) * 11) & 255));
      const results = await classifier.classify(faces);
      for (const r of results) {
        assertAlmostEquals(Object.values(r.scores).reduce((a, b) => a + b, 0), 1, 1e-4);
        assertOk(meta.labels.includes(r.emotion));
      }
      // The folded plan serves the shipped model and agrees with plain model.predict.
      assertEquals(classifier.inference, "folded");
      const plain = await loadClassifier(DEFAULT_MODEL_DIR, { fold: false, warmUpBatches: [] });
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
  },
});
