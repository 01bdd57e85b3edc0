/**
 * The server with an 8-class FER+ model (`MODEL_DIR=models/ferplus`): `GET /api/model` lists its
 * eight labels as `ferplus`; `POST /api/predict` and `POST /api/classify` answer eight scores per
 * face, contempt included, that sum to 1 and are the classifier's own; `/healthz`'s canary runs on
 * it; a bad request changes nothing for the next one; and `main.ts` refuses a set that mixes a
 * 7-label and an 8-label member, saying why.
 *
 * @module
 */
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { assertError, assertScoresOver, type Face, postTo } from "./api_assert.ts";
import { faceBatch, fakeDetector, fixture, type TestApp, tinyApp } from "./helpers.ts";
import { roundFaceScores } from "../../src/classifier/postprocess.ts";
import { cropAlignedFaceGray48 } from "../../src/image/align.ts";
import { decodeImage } from "../../src/image/decode.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { modelCanary } from "../../src/server/canary.ts";
import {
  FERPLUS_LABELS,
  writeMixedLabelSet,
  writeTinyFerPlusDir,
} from "../classifier/tiny_ferplus.ts";

await useWasmBackend();
const dir = await writeTinyFerPlusDir();
const t: TestApp = await tinyApp(fakeDetector(), {}, dir);
globalThis.addEventListener("unload", () => {
  void t.close().then(() => Deno.remove(dir, { recursive: true }));
});

const FACE_JPG = await fixture("e2e/fixtures/face.jpg");
const faces = (count: number) => {
  const batch = faceBatch(count);
  return Array.from({ length: count }, (_, i) => batch.subarray(i * 2304, (i + 1) * 2304));
};

Deno.test("GET /api/model lists the FER+ model's eight labels, contempt last", async () => {
  const body = await (await t.app.request("/api/model")).json();
  assertEquals([body.name, body.labelSet, body.labels], [
    "tiny-ferplus",
    "ferplus",
    FERPLUS_LABELS,
  ]);
  assertEquals(body.labels.slice(0, 7), [...FER_EMOTIONS], "FER2013's seven come first");
});

Deno.test("POST /api/predict answers eight scores per face, contempt included, summing to 1", async () => {
  const response = await postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg");
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.faces.length, 1);
  const face: Face = body.faces[0];
  assertScoresOver(face, FERPLUS_LABELS);
  // The tiny FER+ model leans to contempt: the eighth class is the answer, not dropped.
  assertEquals(face.emotion, "contempt");
  const crop = cropAlignedFaceGray48(await decodeImage(FACE_JPG), { box: face.box, keypoints: [] });
  const [expected] = await t.classifier.classify([crop]);
  assertEquals(face.scores, roundFaceScores(expected).scores);
});

Deno.test("POST /api/classify answers the classifier's eight scores, binary and JSON bodies", async () => {
  const expected = (await t.classifier.classify(faces(3))).map((f) => roundFaceScores(f));
  const binary = await postTo(t.app, "/api/classify", faceBatch(3), "application/octet-stream");
  assertEquals(binary.status, 200);
  const json = await postTo(
    t.app,
    "/api/classify",
    JSON.stringify({ faces: faces(3).map((f) => Array.from(f)) }),
    "application/json",
  );
  assertEquals(json.status, 200);
  const [a, b] = [await binary.json(), await json.json()];
  assertEquals(a.faces, expected);
  assertEquals(b.faces, expected);
  for (const face of a.faces as Face[]) {
    assertScoresOver(face, FERPLUS_LABELS);
    assertOk(face.scores.contempt > 0.5, `contempt ${face.scores.contempt}`);
  }
  // With mirror views: still eight, the views averaged per class.
  const flip = await (await postTo(t.app, "/api/classify?tta=flip", faceBatch(3))).json();
  assertEquals(flip.tta, "flip");
  (flip.faces as Face[]).forEach((face) => assertScoresOver(face, FERPLUS_LABELS));
});

Deno.test("/healthz is ok: the canary scores the FER+ model's eight classes", async () => {
  const response = await t.app.request("/healthz");
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals([body.status, body.canary.ok], ["ok", true]);
  const reading = await modelCanary({ detector: fakeDetector(), classifier: t.classifier })();
  assertEquals(reading.scores.map((row) => row.length), [8, 8]);
  for (const row of reading.scores) assertAlmostEquals(row.reduce((a, b) => a + b, 0), 1, 1e-5);
});

Deno.test("bad requests to a FER+ server are 4xx, and the next valid one answers as before", async () => {
  const classify = () => postTo(t.app, "/api/classify", faceBatch(2), "application/octet-stream");
  const predict = () => postTo(t.app, "/api/predict", FACE_JPG, "image/jpeg");
  const classifyBefore = await (await classify()).json();
  const predictBefore = await (await predict()).json();
  await assertError(
    await postTo(t.app, "/api/classify", new Uint8Array(2305), "application/octet-stream"),
    400,
    "bad_batch_size",
  );
  assertEquals((await (await classify()).json()).faces, classifyBefore.faces);
  await assertError(
    await postTo(t.app, "/api/predict", FACE_JPG.subarray(0, 2000), "image/jpeg"),
    422,
    "undecodable_image",
  );
  assertEquals((await (await predict()).json()).faces, predictBefore.faces);
});

Deno.test("main.ts refuses a set mixing a 7-label and an 8-label member, saying why", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fer-mixed-set-" });
  try {
    const set = await writeMixedLabelSet(tmp);
    // A free port, so that the test shows the set (not the port) is what is refused.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-env",
        new URL("../../main.ts", import.meta.url).pathname,
      ],
      env: { PORT: String(port), HOSTNAME: "127.0.0.1", MODEL_DIR: set },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertOk(out.code !== 0, "main.ts must not serve the mixed set");
    assertOk(
      stderr.includes(`member "fer2013" has labels (${FER_EMOTIONS.join(", ")}) but the set has`),
      stderr,
    );
    assertOk(stderr.includes("(7 classes against the set's 8)"), stderr);
    assertOk(!new TextDecoder().decode(out.stdout).includes("listening"), "it never listened");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
