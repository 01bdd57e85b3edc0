/**
 * The page's modules with the served model's labels, run in Deno: a FER+ answer is read with its
 * eight labels (and refused, not cut to seven, when read with FER2013's), the in-browser classifier
 * of a FER+ model answers the server classifier's eight calibrated scores, the page loads a FER+
 * folder through the server's `/classifier/` route and refuses a set mixing 7 and 8 labels, the
 * labels come from `/api/model` (asked again after a failure), and every FER+ label has a colour
 * and a display name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { useWasmBackend } from "../../src/backend.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import {
  BrowserClassifier,
  calibratedRows,
  ClassifyError,
  classifyOnServer,
  fetchServerLabels,
  scoresToArray,
} from "../../static/js/classifiers.js";
import { loadClassifierFolder } from "../../static/js/browser_model.js";
import { displayName, labelColor, OTHER_LABEL_COLOR } from "../../static/js/labels.js";
import { ServerLabels } from "../../static/js/model_labels.js";
import { faceLabel } from "../../static/js/overlay.js";
import { parsePredictResponse } from "../../static/js/photo.js";
import { createStaticRoutes } from "../../routes/static.ts";
import {
  FERPLUS_LABELS,
  tinyFerPlusMetadata,
  tinyFerPlusModel,
  writeMixedLabelSet,
  writeTinyFerPlusDir,
} from "../classifier/tiny_ferplus.ts";
import { seededFace } from "../classifier/tiny_set.ts";
import { faceBatch, fakeDetector, tinyApp } from "../server/helpers.ts";
import { postTo } from "../server/api_assert.ts";
import { withTempDir } from "../temp_dir.ts";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";

await useWasmBackend();

const FERPLUS_SCORES = {
  angry: 0.05,
  disgust: 0.05,
  fear: 0.05,
  happy: 0.1,
  sad: 0.05,
  surprise: 0.05,
  neutral: 0.05,
  contempt: 0.6,
};

Deno.test("a FER+ answer is read with its eight labels, and refused with FER2013's seven", async () => {
  const row = scoresToArray(FERPLUS_SCORES, FERPLUS_LABELS);
  assertEquals(row, [0.05, 0.05, 0.05, 0.1, 0.05, 0.05, 0.05, 0.6]);
  // Read with the seven, contempt's 60% would vanish and "happy" would be shown: refused instead.
  await assertThrows(
    () => scoresToArray(FERPLUS_SCORES, FER_EMOTIONS),
    "scores for labels the model does not list (contempt)",
  );
  await assertThrows(() => scoresToArray(row.slice(0, 7), FERPLUS_LABELS), "expected 8 numeric");
  const [face] = parsePredictResponse({
    faces: [{
      box: { x: 1, y: 2, width: 3, height: 4 },
      emotion: "contempt",
      confidence: 0.6,
      scores: FERPLUS_SCORES,
    }],
  }, FERPLUS_LABELS);
  assertEquals([face.scores.length, face.emotion], [8, "contempt"]);
  // The overlay's label is the eighth class, in its own colour.
  assertEquals(faceLabel(row, FERPLUS_LABELS), {
    text: "Contempt 60%",
    color: labelColor("contempt"),
    emotion: "contempt",
  });
  await assertThrows(() => faceLabel(row, FER_EMOTIONS), "8 scores for 7 labels");
});

Deno.test("every FER+ label has its own colour and a display name", () => {
  const colors = FERPLUS_LABELS.map(labelColor);
  assertEquals(new Set(colors).size, 8, `distinct colours: ${colors}`);
  assertOk(!colors.includes(OTHER_LABEL_COLOR), "no FER+ label falls back to the other colour");
  assertEquals(labelColor("smirk"), OTHER_LABEL_COLOR);
  assertEquals(displayName("contempt"), "Contempt");
});

Deno.test("in-browser rows keep every class: eight for a FER+ model", () => {
  const flat = Float32Array.from([...Array(8).fill(0.05), 0.65, ...Array(7).fill(0.05)]);
  const rows = calibratedRows(flat, 2, 1);
  assertEquals(rows.map((r) => r.length), [8, 8]);
  assertAlmostEquals(rows[0][7], 0.05, 1e-7);
  assertAlmostEquals(rows[1][0], 0.65, 1e-7);
});

Deno.test("the page's FER+ classifier gives the server classifier's eight calibrated scores", async () => {
  const faces = [4, 5, 6].map(seededFace);
  const temperature = 0.7;
  const pageModel = tinyFerPlusModel();
  const serverModel = tinyFerPlusModel();
  const page = new BrowserClassifier(tf, pageModel, FER_INPUT, false, temperature, FERPLUS_LABELS);
  const server = new FerClassifier(serverModel, {
    ...tinyFerPlusMetadata({ temperature }),
    quantization: "none",
    sizeBytes: 0,
  });
  try {
    assertEquals(page.labels, FERPLUS_LABELS);
    for (const tta of ["none", "flip"] as const) {
      const pageRows = await page.classify(faces, { tta });
      const serverFaces = await server.classify(faces, { tta });
      serverFaces.forEach((f, i) => {
        assertEquals(pageRows[i].length, 8);
        FERPLUS_LABELS.forEach((e, k) => assertAlmostEquals(pageRows[i][k], f.scores[e], 1e-5));
      });
    }
    // An 8-output model with seven labels is refused, as the server refuses it.
    await assertThrows(
      () => new BrowserClassifier(tf, pageModel, FER_INPUT),
      "the model has 8 outputs but 7 labels",
    );
  } finally {
    pageModel.dispose();
    server.dispose();
  }
});

Deno.test("the page loads a FER+ folder from /classifier/ and refuses a 7 + 8 label set", async () => {
  await withTempDir("fer-page-ferplus-", async (dir) => {
    const fetcher = (folder: string) => {
      const routes = createStaticRoutes(pathToFileURL(`${folder}/`));
      return (url: string, init?: RequestInit) => Promise.resolve(routes.request(url, init));
    };
    const model = await writeTinyFerPlusDir(join(dir, "ferplus"));
    const page = await loadClassifierFolder(tf, "/classifier/", fetcher(model));
    try {
      assertOk(page instanceof BrowserClassifier);
      assertEquals(page.labels, FERPLUS_LABELS);
      const [row] = await page.classify([seededFace(1)]);
      assertEquals(row.length, 8);
      assertOk(row[7] > 0.5, `contempt ${row[7]}`);
    } finally {
      if (page instanceof BrowserClassifier) page.model.dispose();
    }
    const mixed = await writeMixedLabelSet(dir);
    await assertThrows(
      () => loadClassifierFolder(tf, "/classifier/", fetcher(mixed)),
      `member "fer2013" has other labels than the set: 7 (${FER_EMOTIONS.join(", ")}) against 8`,
    );
  });
});

Deno.test("server mode: labels from /api/model, eight rows from /api/classify, a bad answer refused", async () => {
  const dir = await writeTinyFerPlusDir();
  const t = await tinyApp(fakeDetector(), {}, dir);
  const realFetch = globalThis.fetch;
  let modelAnswer: (() => Response) | undefined;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    if (modelAnswer && String(input) === "/api/model") return Promise.resolve(modelAnswer());
    return Promise.resolve(t.app.request(String(input), init));
  };
  try {
    const labels = await fetchServerLabels();
    assertEquals(labels, FERPLUS_LABELS);
    const batch = faceBatch(2);
    const faces = [batch.subarray(0, 2304), batch.subarray(2304)];
    const rows = await classifyOnServer(faces, labels);
    const api = await (await postTo(t.app, "/api/classify", batch)).json();
    rows.forEach((row, i) => assertEquals(row, FERPLUS_LABELS.map((l) => api.faces[i].scores[l])));
    // Read as seven, the answer is refused with the reason, not cut short.
    await assertThrows(() => classifyOnServer(faces, FER_EMOTIONS), "(contempt)");
    // A failed ask of /api/model is forgotten: the next one asks again and gets the labels.
    let asks = 0;
    const kept = new ServerLabels(() => {}, () => {
      asks++;
      return fetchServerLabels();
    });
    modelAnswer = () => Response.json({ error: "broken", code: "x" }, { status: 500 });
    await assertThrows(() => kept.get(), "server answered 500");
    modelAnswer = () => Response.json({ labels: ["happy", "happy"] });
    const refused = await kept.get().catch((error) => error);
    assertOk(refused instanceof ClassifyError && /"happy" twice/.test(refused.message));
    modelAnswer = undefined;
    assertEquals(await kept.get(), FERPLUS_LABELS);
    assertEquals(await kept.get(), FERPLUS_LABELS);
    assertEquals(asks, 3, "asked until it had them, then kept them");
    // And the next classify answers as before the refusals.
    assertEquals(await classifyOnServer(faces, labels), rows);
  } finally {
    globalThis.fetch = realFetch;
    await t.close();
    await Deno.remove(dir, { recursive: true });
  }
});
