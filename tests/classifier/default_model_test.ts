/**
 * Runs the shipped model in `models/default/` through the classifier, when it has been committed.
 * Until then the test is skipped with a loud message (route tests use a tiny seeded model instead).
 */
import { assertEquals, assertOk } from "../assert.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { checkShippedModel } from "./shipped_model_checks.ts";
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
      await checkShippedModel(DEFAULT_MODEL_DIR, classifier);
    } finally {
      classifier.dispose();
    }
  },
});
