/**
 * The checks every shipped model folder gets (`models/default`, `models/ferplus`): on four fixed
 * faces it gives distributions over exactly its own labels, and its folded plan serves it and
 * agrees with plain `model.predict`.
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { loadClassifier } from "../../src/classifier/load.ts";

/** Four faces: flat black, grey, white, and a fixed texture. */
function fixedFaces(): Uint8Array[] {
  const faces = [0, 128, 255].map((v) => new Uint8Array(2304).fill(v));
  faces.push(Uint8Array.from({ length: 2304 }, (_, i) => (i * 37 + (i >> 6) * 11) & 255));
  return faces;
}

/** Runs the checks on `classifier`, loaded from `dir` (loaded again unfolded to compare). */
export async function checkShippedModel(
  dir: URL,
  classifier: Awaited<ReturnType<typeof loadClassifier>>,
): Promise<void> {
  const labels = classifier.metadata.labels;
  const faces = fixedFaces();
  const results = await classifier.classify(faces);
  for (const r of results) {
    assertEquals(Object.keys(r.scores).sort(), [...labels].sort());
    assertAlmostEquals(Object.values(r.scores).reduce((a, b) => a + b, 0), 1, 1e-4);
    assertOk(labels.includes(r.emotion));
  }
  assertEquals(classifier.inference, "folded");
  const plain = await loadClassifier(dir, { fold: false, warmUpBatches: [] });
  try {
    const expected = await plain.classify(faces);
    results.forEach((r, i) => {
      for (const label of labels) {
        assertAlmostEquals(r.scores[label], expected[i].scores[label], 1e-5);
      }
    });
  } finally {
    plain.dispose();
  }
}
