/**
 * The page's in-browser classifier and the server's show the same calibrated probabilities: the
 * page's temperature function matches `src/classifier/temperature.ts`, and the page's
 * `BrowserClassifier`, run in Deno on the same tfjs and model, answers what `FerClassifier` does
 * with fer-model.json's temperature, with and without mirror views.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../src/engine/backend.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { applyTemperature as serverTemperature } from "../../src/classifier/temperature.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";
import { FER_EMOTIONS } from "../../src/labels.ts";
import { applyTemperature, BrowserClassifier } from "../../static/js/classifiers.js";
import { tinyFerModel, tinyMetadata } from "../classifier/tiny_model.ts";
import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";

await useWasmBackend();

Deno.test("page and server temperature functions agree on random rows, tiny and zero values too", async () => {
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows: number[] = [];
  for (let r = 0; r < 50; r++) {
    const raw = Array.from({ length: 7 }, () => next() ** 6);
    const sum = raw.reduce((a, b) => a + b, 0);
    rows.push(...raw.map((v) => v / sum));
  }
  rows.push(1e-30, 0, 1 - 1e-30, 0, 0, 0, 0);
  for (const t of [0.3, 1, 1.37, 5]) {
    const page = applyTemperature(rows, 7, t);
    const server = serverTemperature(rows, 7, t);
    assertEquals(page.length, server.length);
    page.forEach((p, i) => assertAlmostEquals(p, server[i], 1e-7));
  }
  await assertThrows(() => applyTemperature(rows, 7, 0), "temperature must be");
  await assertThrows(() => new BrowserClassifier(tf, undefined, FER_INPUT, false, -1), "> 0");
});

Deno.test("the page's in-browser classifier gives the server classifier's calibrated probabilities", async () => {
  const faces = [1, 2, 3].map((seed) =>
    Uint8Array.from({ length: 2304 }, (_, i) => (i * (seed + 2) + seed * 41) & 255)
  );
  const pageModel = tinyFerModel();
  const serverModel = tinyFerModel();
  const temperature = 0.4;
  const page = new BrowserClassifier(tf, pageModel, FER_INPUT, false, temperature);
  const server = new FerClassifier(serverModel, { ...tinyMetadata(), temperature } as never);
  try {
    for (const tta of ["none", "flip"] as const) {
      const pageRows = await page.classify(faces, { tta });
      const serverFaces = await server.classify(faces, { tta });
      serverFaces.forEach((f, i) => {
        FER_EMOTIONS.forEach((e, k) => assertAlmostEquals(pageRows[i][k], f.scores[e], 1e-5));
      });
    }
    // And the temperature is really applied on both sides (not 1 on both).
    const uncalibrated = await new BrowserClassifier(tf, pageModel, FER_INPUT).classify(faces);
    const calibrated = await page.classify(faces);
    assertEquals(uncalibrated[0].some((p, k) => Math.abs(p - calibrated[0][k]) > 1e-3), true);
  } finally {
    pageModel.dispose();
    server.dispose();
  }
});
