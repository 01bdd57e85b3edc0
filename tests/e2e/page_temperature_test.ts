/**
 * The page's in-browser classifier and the server's show the same calibrated probabilities: the
 * page's temperature function matches `src/classifier/temperature.ts`, and the page's
 * `BrowserClassifier`, run in Deno on the same tfjs and model, answers what `FerClassifier` does
 * with fer-model.json's temperature, with and without mirror views. For a model set, the page
 * loads the folder through the server's own `/classifier/` route and its set answers what the
 * server's set does (and what the weighted mean computed by hand gives), running the layers its
 * members share once.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { useWasmBackend } from "../../src/backend.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { applyTemperature as serverTemperature } from "../../src/classifier/temperature.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { applyTemperature, BrowserClassifier } from "../../static/js/classifiers.js";
import { tinyFerModel, tinyMetadata } from "../classifier/tiny_model.ts";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { pathToFileURL } from "node:url";
import { loadClassifier } from "../../src/classifier/load.ts";
import {
  BrowserSetClassifier,
  loadClassifierFolder,
  weightedMeanProbabilities,
} from "../../static/js/browser_model.js";
import { weightedMeanProbabilities as serverMean } from "../../src/classifier/set_classifier.ts";
import { createStaticRoutes } from "../../routes/static.ts";
import { expectedSetRows, seededFace, writeTinySet } from "../classifier/tiny_set.ts";
import { withTempDir } from "../temp_dir.ts";
import { changeLayer, writeTrunkSet } from "../classifier/tiny_trunk_set.ts";

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

Deno.test("page and server weighted means agree; the page refuses what the server refuses", async () => {
  const parts = [[0.9, 0.1, 0.3, 0.7], [0.2, 0.8, 0.6, 0.4], [0.5, 0.5, 0.1, 0.9]];
  const weights = [1, 2.5, 0.5];
  const page = weightedMeanProbabilities(parts, weights);
  serverMean(parts, weights).forEach((p, i) => assertAlmostEquals(page[i], p, 1e-7));
  await assertThrows(() => weightedMeanProbabilities(parts, [1, 0, 1]), "finite numbers > 0");
  await assertThrows(() => weightedMeanProbabilities([[1], [1, 0]], [1, 1]), "1 vs 2");
});

Deno.test("the page loads a model set from /classifier/ and gives the server set's probabilities", async () => {
  await withTempDir("fer-page-set-", async (dir) => {
    const temperature = 0.6;
    const setDir = await writeTinySet(dir, temperature);
    // The route the server serves MODEL_DIR from, pointed at the set; the page fetches through it.
    const routes = createStaticRoutes(pathToFileURL(`${setDir}/`));
    const fetched: string[] = [];
    const fetchFn = (url: string, init?: RequestInit) => {
      fetched.push(url);
      return Promise.resolve(routes.request(url, init));
    };
    const page = await loadClassifierFolder(tf, "/classifier/", fetchFn);
    const server = await loadClassifier(setDir, { warmUpBatches: [] });
    try {
      assertOk(page instanceof BrowserSetClassifier, "the page sees a set");
      assertEquals(page.members.map((m) => [m.path, m.weight]), [["a", 3], ["b", 1]]);
      assertEquals(page.temperature, temperature);
      for (const file of ["a/model.json", "a/weights.bin", "b/model.json", "b/weights.bin"]) {
        assertOk(fetched.includes(`/classifier/${file}`), `fetched ${file}: ${fetched.join(" ")}`);
      }
      const faces = [5, 6, 7].map(seededFace);
      for (const tta of ["none", "flip"] as const) {
        const pageRows = await page.classify(faces, { tta });
        const serverFaces = await server.classify(faces, { tta });
        const byHand = await expectedSetRows(dir, faces, tta, temperature);
        serverFaces.forEach((f, i) => {
          FER_EMOTIONS.forEach((e, k) => {
            assertAlmostEquals(pageRows[i][k], f.scores[e], 1e-5);
            assertAlmostEquals(pageRows[i][k], byHand[i][k], 1e-5);
          });
        });
      }
      // A set whose member has other labels is refused by the page too.
      const metaPath = `${setDir}/b/fer-model.json`;
      const b = JSON.parse(await Deno.readTextFile(metaPath));
      await Deno.writeTextFile(metaPath, JSON.stringify({ ...b, labels: [...b.labels].reverse() }));
      await assertThrows(
        () => loadClassifierFolder(tf, "/classifier/", fetchFn),
        'member "b" has other labels',
      );
    } finally {
      if (page instanceof BrowserSetClassifier) {
        page.members.forEach((m) => m.classifier.model.dispose());
      }
      server.dispose();
    }
  });
});

Deno.test("the page runs a set's shared trunk once and answers what the server's set does", async () => {
  await withTempDir("fer-page-trunk-", async (dir) => {
    const setDir = await writeTrunkSet(
      dir,
      (m) =>
        changeLayer(
          m,
          "scores",
          (w, i) => w.add(tf.randomNormal(w.shape, 0, 0.3, "float32", 5 + i)),
        ),
    );
    const routes = createStaticRoutes(pathToFileURL(`${setDir}/`));
    const fetchFn = (url: string, init?: RequestInit) => Promise.resolve(routes.request(url, init));
    const page = await loadClassifierFolder(tf, "/classifier/", fetchFn);
    const server = await loadClassifier(setDir, { warmUpBatches: [] });
    try {
      assertOk(page instanceof BrowserSetClassifier, "the page sees a set");
      // The tiny model: input, conv, flatten, dense. Conv and flatten are the same in both.
      assertEquals(page.sharedLayers, 2);
      const faces = [8, 9, 10].map(seededFace);
      for (const tta of ["none", "flip"] as const) {
        const pageRows = await page.classify(faces, { tta });
        const serverFaces = await server.classify(faces, { tta });
        serverFaces.forEach((f, i) =>
          FER_EMOTIONS.forEach((e, k) => assertAlmostEquals(pageRows[i][k], f.scores[e], 1e-5))
        );
        // And the mean of what each member scores running whole (the set has temperature 1).
        const [a, b] = await Promise.all(
          page.members.map((m) => m.classifier.probabilities(faces, { tta })),
        );
        pageRows.forEach((row, i) =>
          row.forEach((p, k) => assertAlmostEquals(p, (a[i * 7 + k] + b[i * 7 + k]) / 2, 1e-5))
        );
      }
    } finally {
      if (page instanceof BrowserSetClassifier) {
        page.members.forEach((m) => m.classifier.model.dispose());
      }
      server.dispose();
    }
  });
});
