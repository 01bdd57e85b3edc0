/**
 * 1,000 requests, 8 at a time, with the real face detector and the tiny model: good uploads, bad
 * uploads (codec-killing and incomplete ones too) and classify batches. TensorFlow.js must hold exactly as many tensors afterwards as before,
 * so a long-running server does not grow.
 */
import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../assert.ts";
import { createFaceDetector } from "../../src/detector/mod.ts";
import { decodeImage } from "../../src/image/decode.ts";
import { toGrayscale } from "../../src/image/gray.ts";
import { resizeArea } from "../../src/image/resize.ts";
import { encodeGrayPng } from "../../training/data/png.ts";
import { faceBatch, fixture, patternPng, pngClaiming, tinyApp } from "./helpers.ts";
import {
  bogusHuffmanJpeg,
  corruptStripesPng,
  scanWithoutData,
  whitePng,
} from "../image/bad_images.ts";

/** The face fixture at 160x120 gray: small enough for 1,000 requests, still one findable face. */
async function smallFacePng(): Promise<Uint8Array> {
  const image = await decodeImage(await fixture("e2e/fixtures/face.jpg"));
  const gray = toGrayscale(image);
  const small = resizeArea(
    { width: image.width, height: image.height, channels: 1, data: gray },
    { x: 0, y: 0, width: image.width, height: image.height },
    160,
    120,
  );
  return encodeGrayPng(Uint8Array.from(small.data, (v) => Math.round(v)), 160, 120);
}

Deno.test("tf.memory().numTensors is unchanged after 1,000 mixed requests", async () => {
  const detector = await createFaceDetector();
  const t = await tinyApp(detector);
  const warn = console.warn;
  console.warn = () => {}; // each codec failure logs a line
  try {
    const face = await smallFacePng();
    const truncated = face.slice(0, 200);
    const faceJpg = await fixture("e2e/fixtures/face.jpg");
    const exitJpeg = bogusHuffmanJpeg(faceJpg);
    const corruptPng = corruptStripesPng(160, 120);
    const scanless = scanWithoutData(faceJpg);
    const needle = whitePng(1, 721);
    const kinds: [string, () => Request, number][] = [
      ["face", () => upload(face), 200],
      ["blank", () => upload(patternPng(64, 64)), 200],
      ["whole", () => upload(face, "?detect=false"), 200],
      ["batch", () => classify(faceBatch(8)), 200],
      ["batch32", () => classify(faceBatch(32)), 200],
      ["truncated", () => upload(truncated), 422],
      ["huge", () => upload(pngClaiming(50000, 50000)), 413],
      ["text", () => upload(new TextEncoder().encode("not an image")), 415],
      ["partial", () => classify(faceBatch(2).subarray(1)), 400],
      ["empty", () => upload(new Uint8Array(0)), 400],
      ["exit(1) JPEG", () => upload(exitJpeg), 422],
      ["corrupt PNG", () => upload(corruptPng), 422],
      ["scan without data", () => upload(scanless), 422],
      ["too thin", () => upload(needle), 422],
    ];
    const send = async (i: number) => {
      const [name, request, status] = kinds[i % kinds.length];
      const response = await t.app.fetch(request());
      const body = await response.json();
      assertEquals(response.status, status, `${name}: ${JSON.stringify(body)}`);
      if (name === "face") assertEquals(body.faces.length, 1, "the small face is found");
    };
    for (let i = 0; i < kinds.length; i++) await send(i); // warm every path's kernels
    const before = tf.memory().numTensors;
    const started = performance.now();
    for (let i = 0; i < 1000; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, 1000 - i) }, (_, k) => send(i + k)));
    }
    const ms = performance.now() - started;
    assertEquals(tf.memory().numTensors, before, "tensors before vs after 1,000 requests");
    // Every kernel ran on wasm: the cpu backend was never even instantiated as a fallback.
    assertEquals(tf.getBackend(), "wasm");
    assertEquals(Object.keys(tf.engine().registry), ["wasm"]);
    assertOk(ms > 0);
    console.log(`  1,000 requests in ${Math.round(ms)} ms; ${before} tensors before and after`);
  } finally {
    console.warn = warn;
    detector.dispose();
    await t.close();
  }
});

function upload(bytes: Uint8Array, query = ""): Request {
  return new Request(`http://test/api/predict${query}`, {
    method: "POST",
    body: bytes as BodyInit,
    headers: { "content-type": "application/octet-stream" },
  });
}

function classify(bytes: Uint8Array): Request {
  return new Request("http://test/api/classify", { method: "POST", body: bytes as BodyInit });
}
