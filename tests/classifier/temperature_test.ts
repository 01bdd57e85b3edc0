import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { applyTemperature } from "../../src/classifier/temperature.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { tinyFerModel, tinyMetadata } from "./tiny_model.ts";

await useWasmBackend();

/** A face whose pixels depend on `seed`. */
function face(seed: number): Uint8Array {
  return Uint8Array.from({ length: 2304 }, (_, i) => (i * (seed + 5) + seed * 31) & 255);
}

const argmax = (row: ArrayLike<number>) => {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
};

Deno.test("temperature 2 takes square roots and renormalises: the case worked by hand", () => {
  // sqrt(.7)=.83666, sqrt(.2)=.44721, sqrt(.1)=.31623, sum 1.60010
  const out = applyTemperature([0.7, 0.2, 0.1], 3, 2);
  [0.52288, 0.27949, 0.19763].forEach((p, k) => assertAlmostEquals(out[k], p, 1e-4));
  // T = 0.5 squares: .49, .04, .01 over .54
  const sharp = applyTemperature([0.7, 0.2, 0.1], 3, 0.5);
  [0.49 / 0.54, 0.04 / 0.54, 0.01 / 0.54].forEach((p, k) => assertAlmostEquals(sharp[k], p, 1e-6));
});

Deno.test("temperature on probabilities equals softmax of logits / T, keeps argmax, T=1 keeps all", () => {
  const logits = [[2.5, -1, 0.3, 4, -3, 0, 1.2], [-8, -9, 12, -7, 0, 1, 2]];
  const softmax = (z: number[], t: number) => {
    const e = z.map((v) => Math.exp(v / t));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const probabilities = Float32Array.from(logits.flatMap((z) => softmax(z, 1)));
  for (const t of [0.4, 1.7, 3]) {
    const out = applyTemperature(probabilities, 7, t);
    logits.forEach((z, row) => {
      const expected = softmax(z, t);
      expected.forEach((p, k) => assertAlmostEquals(out[row * 7 + k], p, 1e-6));
      assertEquals(argmax(out.subarray(row * 7, row * 7 + 7)), argmax(z));
    });
    assertOk(Math.abs(out[3] - probabilities[3]) > 1e-3, `T=${t} changes the probabilities`);
  }
  assertEquals(applyTemperature(probabilities, 7, 1), probabilities);
  assertEquals(applyTemperature([1, 0, 0], 3, 4)[1], 0, "a zero stays zero");
});

Deno.test("bad temperatures and shapes are refused", async () => {
  for (const t of [0, -1, NaN, Infinity]) {
    await assertThrows(() => applyTemperature([0.5, 0.5], 2, t), "temperature must be");
  }
  await assertThrows(() => applyTemperature([0.5, 0.5, 0.1], 2, 2), "not rows of 2");
});

Deno.test("the classifier applies fer-model.json's temperature to every face, argmax unchanged", async () => {
  const faces = [face(1), face(2), face(3), face(4)];
  const plainModel = tinyFerModel();
  const warmModel = tinyFerModel();
  const plain = new FerClassifier(plainModel, tinyMetadata() as never);
  const warm = new FerClassifier(warmModel, { ...tinyMetadata(), temperature: 0.25 } as never);
  try {
    assertEquals([plain.temperature, warm.temperature], [1, 0.25]);
    for (const tta of ["none", "flip"] as const) {
      const before = await plain.classify(faces, { tta });
      const after = await warm.classify(faces, { tta });
      before.forEach((b, i) => {
        const row = FER_EMOTIONS.map((e) => b.scores[e]);
        const expected = applyTemperature(row, row.length, 0.25);
        FER_EMOTIONS.forEach((e, k) => assertAlmostEquals(after[i].scores[e], expected[k], 1e-6));
        assertEquals(after[i].emotion, b.emotion);
        assertAlmostEquals(after[i].confidence, Math.max(...expected), 1e-6);
        assertOk(after[i].confidence > b.confidence + 1e-4, `${tta}: T < 1 sharpens`);
      });
    }
  } finally {
    plain.dispose();
    warm.dispose();
  }
});

Deno.test("a model folder with a bad temperature fails at start-up, not per request", async () => {
  for (const temperature of [0, -2, "2"]) {
    const model = tinyFerModel();
    await assertThrows(
      () => new FerClassifier(model, { ...tinyMetadata(), temperature } as never),
      "temperature must be a finite number > 0",
    );
    model.dispose();
  }
});
