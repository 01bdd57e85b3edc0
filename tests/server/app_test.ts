/**
 * Every endpoint and every kind of bad input, through `app.request` on the real app built around the
 * tiny seeded model and a fake detector.
 */
import { assertEquals, assertOk } from "../assert.ts";
import { assertError, assertWellFormed, type Face, LABELS, postTo } from "./api_assert.ts";
import { decodeImage } from "../../src/image/decode.ts";
import { cropAlignedFaceGray48 } from "../../src/image/align.ts";
import { wholeImageGray48 } from "../../src/server/predict_image.ts";
import { roundFaceScores } from "../../src/classifier/postprocess.ts";
import { createApp } from "../../routes/app.ts";
import { writeTinyModelDir } from "../classifier/tiny_model.ts";
import {
  faceBatch,
  fakeDetector,
  fixture,
  patternPng,
  pngClaiming,
  type TestApp,
  tinyApp,
} from "./helpers.ts";

const detector = fakeDetector();
const t: TestApp = await tinyApp(detector);
globalThis.addEventListener("unload", () => void t.close());
const FACE_JPG = await fixture("e2e/fixtures/face.jpg");

function post(
  path: string,
  body: BodyInit | Uint8Array | null,
  contentType?: string,
): Promise<Response> {
  return postTo(t.app, path, body, contentType);
}

function multipart(bytes: Uint8Array, field = "image", type = "image/jpeg"): FormData {
  const form = new FormData();
  form.append(field, new File([bytes as BlobPart], "photo", { type }));
  return form;
}

Deno.test("GET /healthz reports ok, the model and the backend", async () => {
  const response = await t.app.request("/healthz");
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals([body.status, body.model, body.backend], ["ok", "tiny-test@test", "wasm"]);
  assertEquals(body.inference, "folded", "the tiny chain model runs on the folded plan");
});

Deno.test("GET /api/model describes labels, version, size, metrics and limits", async () => {
  const body = await (await t.app.request("/api/model")).json();
  assertEquals([body.labels, body.labelSet], [LABELS, "fer2013"]);
  assertEquals([body.name, body.version, body.quantization], ["tiny-test", "test", "none"]);
  assertOk(body.sizeBytes > 8000, `sizeBytes ${body.sizeBytes}`);
  assertEquals(body.input.width, 48);
  assertEquals(body.mirrorSymmetric, false); // the tiny test model is not mirror-tied
  assertEquals(body.temperature, 1); // no calibration in its fer-model.json: scores as they are
  assertEquals(body.metrics.quantized.split, "PublicTest");
  assertEquals(body.limits.maxBodyBytes, 10 * 1024 * 1024);
});

Deno.test("POST /api/predict (multipart) classifies the crop of each detected face", async () => {
  const response = await post("/api/predict", multipart(FACE_JPG));
  assertEquals(response.status, 200);
  const body = await response.json();
  assertEquals(body.image, { width: 640, height: 480 });
  assertEquals(body.model, { name: "tiny-test", version: "test" });
  assertEquals(body.faces.length, 1);
  const face: Face = body.faces[0];
  assertEquals(face.box, { x: 160, y: 120, width: 320, height: 240 });
  assertWellFormed(face);
  // The scores are those of the FER-framed (aligned: the server's default) crop of that box, not of
  // some other pixels; the fake detector gives no eye keypoints, so the square stays upright.
  const image = await decodeImage(FACE_JPG);
  const crop = cropAlignedFaceGray48(image, { box: face.box, keypoints: [] });
  const [expected] = await t.classifier.classify([crop]);
  assertEquals(face.scores, roundFaceScores(expected).scores);
  for (const key of ["decode", "detect", "classify", "total"]) {
    assertOk(body.timingsMs[key] >= 0, `timing ${key}`);
  }
  assertOk(body.timingsMs.total >= body.timingsMs.decode + body.timingsMs.classify - 0.02);
});

Deno.test("POST /api/predict accepts the raw body and answers as for multipart", async () => {
  const raw = await (await post("/api/predict", FACE_JPG, "image/jpeg")).json();
  const form = await (await post("/api/predict", multipart(FACE_JPG))).json();
  assertEquals(raw.faces, form.faces);
  const octet = await post("/api/predict", FACE_JPG, "application/octet-stream");
  assertEquals((await octet.json()).faces, form.faces);
});

Deno.test("POST /api/predict?detect=false classifies the whole image as one face", async () => {
  const before = detector.calls;
  const png = patternPng(48, 48, 3);
  const body = await (await post("/api/predict?detect=false", png, "image/png")).json();
  assertEquals(detector.calls, before, "the detector is skipped");
  assertEquals(body.faces.length, 1);
  assertEquals(body.faces[0].box, { x: 0, y: 0, width: 48, height: 48 });
  const [expected] = await t.classifier.classify([wholeImageGray48(await decodeImage(png))]);
  assertEquals(body.faces[0].scores, roundFaceScores(expected).scores);
  // A 48x48 input is used as is: the crop is the image's own pixels.
  const gray = wholeImageGray48(await decodeImage(png));
  assertEquals(gray[100], (100 * 7 + 3 * 31 + (100 >> 5) * 3) & 255);
});

Deno.test("?tta=flip averages each face with its mirror image on both routes", async () => {
  const plain = await (await post("/api/predict", FACE_JPG, "image/jpeg")).json();
  const flip = await (await post("/api/predict?tta=flip", FACE_JPG, "image/jpeg")).json();
  assertEquals(plain.tta, "none");
  assertEquals(flip.tta, "flip");
  assertEquals(flip.faces[0].box, plain.faces[0].box);
  assertOk(flip.faces[0].scores.happy !== plain.faces[0].scores.happy, "flip changed nothing");
  const batch = faceBatch(3);
  const classified = await (await post("/api/classify?tta=flip", batch)).json();
  assertEquals(classified.tta, "flip");
  const faces = [0, 1, 2].map((i) => batch.slice(i * 2304, (i + 1) * 2304));
  const expected = await t.classifier.classify(faces, { tta: "flip" });
  for (const [i, face] of classified.faces.entries()) {
    assertEquals(face.scores, roundFaceScores(expected[i]).scores);
  }
  await assertError(await post("/api/classify?tta=tencrop", batch), 400, "bad_query");
});

Deno.test("POST /api/predict with no face in the image answers an empty list", async () => {
  const body = await (await post("/api/predict", patternPng(4, 4), "image/png"))
    .json();
  assertEquals(body.faces, []);
  assertEquals(body.image, { width: 4, height: 4 });
});

Deno.test("bad uploads get a 4xx JSON error and the server keeps serving", async (ctx) => {
  const truncated = FACE_JPG.slice(0, Math.floor(FACE_JPG.length / 2));
  const cases: [string, () => Promise<Response>, number, string][] = [
    [
      "empty raw body",
      () => post("/api/predict", new Uint8Array(0), "image/jpeg"),
      400,
      "empty_body",
    ],
    ["no body at all", () => post("/api/predict", null), 400, "empty_body"],
    [
      "empty file field",
      () => post("/api/predict", multipart(new Uint8Array(0))),
      400,
      "empty_image",
    ],
    [
      "form without image field",
      () => post("/api/predict", multipart(FACE_JPG, "photo")),
      400,
      "missing_image",
    ],
    [
      "malformed multipart",
      () => post("/api/predict", "--x\r\nnope", "multipart/form-data; boundary=zz"),
      400,
      "bad_multipart",
    ],
    [
      "JSON content type",
      () => post("/api/predict", '{"image":1}', "application/json"),
      415,
      "unsupported_media_type",
    ],
    [
      "text content type",
      () => post("/api/predict", "hello", "text/plain"),
      415,
      "unsupported_media_type",
    ],
    [
      "GIF content type",
      () => post("/api/predict", FACE_JPG, "image/gif"),
      415,
      "unsupported_format",
    ],
    [
      "non-image bytes",
      () => post("/api/predict", "this is not an image", "image/jpeg"),
      415,
      "unsupported_format",
    ],
    [
      "truncated JPEG",
      () => post("/api/predict", truncated, "image/jpeg"),
      422,
      "undecodable_image",
    ],
    [
      "PNG claiming 50000x50000",
      () => post("/api/predict", pngClaiming(50000, 50000), "image/png"),
      413,
      "image_too_large",
    ],
    [
      "body over the 10 MB default",
      () => post("/api/predict", new Uint8Array(10 * 1024 * 1024 + 1), "image/jpeg"),
      413,
      "body_too_large",
    ],
    [
      "bad detect flag",
      () => post("/api/predict?detect=maybe", FACE_JPG, "image/jpeg"),
      400,
      "bad_query",
    ],
    [
      "bad tta mode",
      () => post("/api/predict?tta=mirror", FACE_JPG, "image/jpeg"),
      400,
      "bad_query",
    ],
    [
      "tta given twice, with two meanings",
      () => post("/api/predict?tta=flip&tta=none", FACE_JPG, "image/jpeg"),
      400,
      "bad_query",
    ],
    [
      "GET on a POST route",
      () => Promise.resolve(t.app.request("/api/predict")),
      405,
      "method_not_allowed",
    ],
  ];
  const before = await (await post("/api/predict", FACE_JPG, "image/jpeg")).json();
  for (const [name, send, status, code] of cases) {
    await ctx.step(name, async () => {
      await assertError(await send(), status, code);
      // The next valid request gets the same answer as before the bad one.
      const after = await post("/api/predict", FACE_JPG, "image/jpeg");
      assertEquals(after.status, 200);
      assertEquals((await after.json()).faces, before.faces);
    });
  }
  assertEquals(before.faces.length, 1);
});

Deno.test("the body limit is configurable and also counts streamed (chunked) bodies", async () => {
  const small = await tinyApp(fakeDetector(), { maxBodyBytes: 4096 });
  try {
    const sized = await small.app.request("/api/predict", {
      method: "POST",
      body: FACE_JPG as BodyInit,
      headers: { "content-type": "image/jpeg" },
    });
    await assertError(sized, 413, "body_too_large");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < FACE_JPG.length; at += 1000) {
          controller.enqueue(FACE_JPG.slice(at, at + 1000));
        }
        controller.close();
      },
    });
    const chunked = await small.app.request("/api/predict", {
      method: "POST",
      body: stream,
      headers: { "content-type": "image/jpeg" },
    });
    await assertError(chunked, 413, "body_too_large");
    const fits = await small.app.request("/api/classify", {
      method: "POST",
      body: faceBatch(1) as BodyInit,
    });
    assertEquals(fits.status, 200);
  } finally {
    await small.close();
  }
});

Deno.test("unknown API paths are JSON 404s; the camera page is served at /", async () => {
  await assertError(await t.app.request("/api/nothing"), 404, "not_found");
  const page = await t.app.request("/");
  assertEquals(page.status, 200);
  assertOk(page.headers.get("content-type")?.startsWith("text/html"));
  await page.body?.cancel();
});

Deno.test("the page's in-browser mode gets the served model's folder (AppDeps.modelDir)", async () => {
  const dir = await writeTinyModelDir();
  try {
    const app = createApp({ ...t.deps, modelDir: dir });
    const served = await app.request("/classifier/fer-model.json");
    assertEquals(served.status, 200);
    assertEquals(await served.text(), await Deno.readTextFile(`${dir}/fer-model.json`));
    // Without one, the shipped model's folder, as before.
    const shipped = await t.app.request("/classifier/fer-model.json");
    assertEquals((await shipped.json()).name, "default");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an unexpected failure is a generic JSON 500 that does not leak details", async () => {
  // Fails on the fixture photo only, so the canary (a 256x192 scene) still passes.
  const failing = await tinyApp({
    detect: (image) =>
      image.width === 640
        ? Promise.reject(new Error("secret internals"))
        : fakeDetector().detect(image),
  });
  const log = console.error;
  const logged: unknown[] = [];
  console.error = (...args: unknown[]) => logged.push(args);
  try {
    const runs = failing.health.status()!.runs;
    const response = await failing.app.request("/api/predict", {
      method: "POST",
      body: FACE_JPG as BodyInit,
    });
    assertEquals(response.status, 500);
    const body = await response.json();
    assertEquals(body, { error: "internal server error", code: "internal_error" });
    assertEquals(logged.length, 1, "the failure is logged on the server");
    // The 500 made the server check its canary at once; the models are fine, so it stays healthy.
    const canary = await failing.health.check();
    assertEquals([canary.ok, canary.runs > runs, failing.health.healthy], [true, true, true]);
    const other = await postTo(failing.app, "/api/predict", patternPng(64, 64), "image/png");
    assertEquals(other.status, 200);
    await other.body?.cancel();
  } finally {
    console.error = log;
    await failing.close();
  }
});
