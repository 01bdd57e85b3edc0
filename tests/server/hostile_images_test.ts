/**
 * Uploads that used to break the server for everyone, through the real app, face detector and
 * wasm backend: thin images (tfjs-wasm trapped on hundreds of tiles, then every request failed),
 * a 1x16777216 PNG (a 40 s stall), JPEGs that make the codec exit, corrupt PNGs and WebPs, and
 * incomplete JPEGs. Each must get a 200 or a plain 4xx, and the face photo after it the very same
 * faces and scores as before.
 */
import { assertEquals, assertOk } from "../assert.ts";
import { createFaceDetector } from "../../src/detector/mod.ts";
import { faceBatch, tinyApp } from "./helpers.ts";
import {
  bogusHuffmanJpeg,
  cmykJpeg,
  corruptStripesPng,
  faceJpeg,
  INTERNALS,
  scanWithoutData,
  whitePng,
} from "../image/bad_images.ts";

function upload(bytes: Uint8Array, query = ""): Request {
  return new Request(`http://test/api/predict${query}`, {
    method: "POST",
    body: bytes as BodyInit,
    headers: { "content-type": "application/octet-stream" },
  });
}

Deno.test("hostile images get a 200 or a plain 4xx, and the next face gets the same answer", async () => {
  const detector = await createFaceDetector();
  const t = await tinyApp(detector);
  const warn = console.warn;
  console.warn = () => {}; // each codec failure logs a line
  try {
    const face = await faceJpeg();
    const answer = async () => {
      const response = await t.app.fetch(upload(face));
      assertEquals(response.status, 200);
      return (await response.json()).faces;
    };
    const classify = async () =>
      (await (await t.app.fetch(
        new Request("http://test/api/classify", { method: "POST", body: faceBatch(4) as BodyInit }),
      )).json()).faces;
    const expected = await answer();
    const expectedBatch = await classify();
    assertEquals(expected.length, 1);
    const cases: [string, Uint8Array, string, number][] = [
      ["20x1000", whitePng(20, 1000), "", 200],
      ["30x1000", whitePng(30, 1000), "", 200],
      ["100x4096", whitePng(100, 4096), "", 200],
      ["1x721", whitePng(1, 721), "", 422],
      ["1x4096", whitePng(1, 4096), "", 422],
      ["1x16777216", whitePng(1, 16777216), "", 422],
      ["1x16777216 whole", whitePng(1, 16777216), "?detect=false", 422],
      ["20x1000 whole", whitePng(20, 1000), "?detect=false", 200],
      ["exit(1) JPEG", bogusHuffmanJpeg(face), "", 422],
      ["CMYK JPEG", await cmykJpeg(), "", 422],
      ["scan without data", scanWithoutData(face), "", 422],
      ["corrupt 640x480 PNG", corruptStripesPng(640, 480), "", 422],
    ];
    for (const [name, bytes, query, status] of cases) {
      const started = performance.now();
      const response = await t.app.fetch(upload(bytes, query));
      const ms = performance.now() - started;
      const body = await response.json();
      assertEquals(response.status, status, `${name}: ${JSON.stringify(body)}`);
      if (status !== 200) {
        assertEquals(typeof body.code, "string", name);
        assertOk(!INTERNALS.test(body.error), `${name} leaks: ${body.error}`);
      }
      if (name.startsWith("1x16777216")) assertOk(ms < 2000, `${name} took ${ms.toFixed(0)} ms`);
      assertEquals(await answer(), expected, `the face after ${name}`);
    }
    assertEquals(await classify(), expectedBatch, "classify after all of them");
  } finally {
    console.warn = warn;
    detector.dispose();
    await t.close();
  }
});
