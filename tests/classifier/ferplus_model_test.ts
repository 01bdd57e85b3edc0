/**
 * Runs the shipped FER+ model in `models/ferplus/` (8 labels, `MODEL_DIR=models/ferplus`) through
 * the classifier and the server's predict path: the 8 labels, distributions, the folded plan
 * agreeing with plain `model.predict`, and a face photo answered with all 8 scores.
 */
import { assertEquals, assertOk } from "../assert.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { checkShippedModel } from "./shipped_model_checks.ts";
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
    await checkShippedModel(FERPLUS_DIR, classifier);
  } finally {
    classifier.dispose();
  }
});
