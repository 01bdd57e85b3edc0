/**
 * The fuzz generators make what they claim, the same bytes for the same seed: synthetic PNGs and
 * JPEGs decode (or fail) as labelled, lying headers declare what they say, and every generator's
 * cases are well-formed requests.
 */
import { decode as decodePng } from "@jsquash/png/decode.js";
import decodeJpeg from "@jsquash/jpeg/decode.js";
import { assertEquals, assertOk } from "../../assert.ts";

/** Asserts that `decode` rejects with a message containing `includes` (the codec throws non-Errors). */
async function assertDecodeFails(decode: () => Promise<unknown>, includes: string): Promise<void> {
  let message: string | undefined;
  try {
    await decode();
  } catch (error) {
    message = String((error as { message?: unknown })?.message ?? error);
  }
  assertOk(message?.includes(includes), `expected a failure with "${includes}", got ${message}`);
}
import { sniffImageHeader } from "../../../src/image/sniff.ts";
import { makeAssets } from "../../../tools/fuzz/cases.ts";
import { pngDeclaring, rgbaToPng, synthPng } from "../../../tools/fuzz/png_synth.ts";
import { synthJpeg } from "../../../tools/fuzz/jpeg_synth.ts";
import {
  scanStart,
  withFrameSize,
  withScanCut,
  withScanMarker,
} from "../../../tools/fuzz/jpeg_edit.ts";
import { corpusCases, GENERATORS, randomCase } from "../../../tools/fuzz/generators.ts";
import { webpDeclaring } from "../../../tools/fuzz/gen_images.ts";
import { caseRng, randInt } from "../../../tools/fuzz/random.ts";
import { FACE_JPEG_URL } from "../../../tools/fuzz/fuzz.ts";

const faceJpeg = await Deno.readFile(FACE_JPEG_URL);
// A small stand-in for the face PNG: these tests check the generators, not the photo.
const assets = makeAssets(faceJpeg, synthPng(64, 48, { color: "rgb" }));

/** A digest of a case, to compare runs. */
async function digest(c: ReturnType<typeof randomCase>): Promise<string> {
  const hash = c.body
    ? new Uint8Array(await crypto.subtle.digest("SHA-256", c.body as BufferSource))
    : [];
  return `${c.generator}|${c.label}|${c.method}|${c.path}|${c.contentLength}|${
    [...hash].join(",")
  }`;
}

Deno.test("the same seed and index give the same case; other seeds give other runs", async () => {
  const run = (seed: number) =>
    Promise.all(Array.from({ length: 40 }, (_, i) => digest(randomCase(seed, i, assets))));
  const a = await run(7);
  assertEquals(await run(7), a);
  const b = await run(8);
  assertOk(
    a.filter((d, i) => d !== b[i]).length > 35,
    "seed 8 differs from seed 7 almost everywhere",
  );
  assertOk(new Set(a).size > 30, "cases within one run differ");
});

Deno.test("case generators are independent of each other: case i does not depend on case i-1", () => {
  const x = caseRng(3, 10).next();
  caseRng(3, 9).next();
  assertEquals(caseRng(3, 10).next(), x);
  const r = caseRng(1, 1);
  for (let i = 0; i < 1000; i++) {
    const v = randInt(r, 2, 5);
    assertOk(v >= 2 && v <= 5 && Number.isInteger(v));
  }
});

Deno.test("every generator makes well-formed requests labelled with its name", () => {
  for (const generator of GENERATORS) {
    for (let i = 0; i < 25; i++) {
      const c = generator.make(caseRng(11, i), assets);
      assertEquals(c.generator, generator.name);
      assertOk(c.label.length > 0, `${generator.name} labels its case`);
      assertOk(c.path.startsWith("/"), `${generator.name}: path ${c.path}`);
      assertOk(/^[A-Z]+$/.test(c.method), `${generator.name}: method ${c.method}`);
      assertOk(c.expect === "4xx" || c.expect === "any");
      if (c.method === "GET" || c.method === "HEAD") assertEquals(c.body, undefined);
    }
  }
});

Deno.test("a run of 300 draws every generator", () => {
  const seen = new Set(Array.from({ length: 300 }, (_, i) => randomCase(1, i, assets).generator));
  assertEquals([...seen].sort(), GENERATORS.map((g) => g.name).sort());
});

Deno.test("synthPng: valid images decode to their size; each damage makes the decoder fail", async () => {
  for (const [w, h, color] of [[20, 1000, "gray"], [3, 2, "rgb"], [5, 4, "rgba"]] as const) {
    const image = await decodePng(synthPng(w, h, { color }).slice().buffer);
    assertEquals([image.width, image.height], [w, h]);
  }
  for (const damage of ["truncated", "garbage", "short"] as const) {
    const rng = caseRng(5, 0);
    const bytes = synthPng(640, 480, { color: "rgba", damage, random: () => rng.next() });
    assertEquals(sniffImageHeader(bytes), { format: "png", width: 640, height: 480 });
    await assertDecodeFails(() => decodePng(bytes.slice().buffer), "");
  }
  // A valid copy of an image keeps its pixels.
  const rgba = { width: 2, height: 1, data: [1, 2, 3, 255, 4, 5, 6, 255] };
  const back = await decodePng(rgbaToPng(rgba).slice().buffer);
  assertEquals([...back.data], rgba.data);
});

Deno.test("the 1x16777216 PNG is a small file that declares 16777216 pixels", () => {
  const tall = synthPng(1, 16777216, { sample: () => 200 });
  assertOk(tall.length < 40_000, `${tall.length} bytes (issue 23: a 32 KB file)`);
  assertEquals(sniffImageHeader(tall), { format: "png", width: 1, height: 16777216 });
});

Deno.test("lying headers declare what their label says", () => {
  assertEquals(sniffImageHeader(pngDeclaring(50000, 50000)), {
    format: "png",
    width: 50000,
    height: 50000,
  });
  assertEquals(sniffImageHeader(webpDeclaring(16384, 3)), {
    format: "webp",
    width: 16384,
    height: 3,
  });
  assertEquals(sniffImageHeader(withFrameSize(faceJpeg, 65535, 1)), {
    format: "jpeg",
    width: 65535,
    height: 1,
  });
});

Deno.test("synthJpeg: gray and colour frames decode to their size; CMYK and > 65500 px are refused", async () => {
  for (const [w, h, components] of [[64, 48, 3], [17, 9, 1], [1, 4096, 3]] as const) {
    const image = await decodeJpeg(synthJpeg(w, h, { components }).slice().buffer);
    assertEquals([image.width, image.height, image.data[0]], [w, h, 128]);
  }
  const cmyk = synthJpeg(64, 48, { components: 4 });
  assertEquals(sniffImageHeader(cmyk), { format: "jpeg", width: 64, height: 48 });
  await assertDecodeFails(() => decodeJpeg(cmyk.slice().buffer), "exit(1)");
  const wide = synthJpeg(65535, 8);
  assertEquals(sniffImageHeader(wide), { format: "jpeg", width: 65535, height: 8 });
  await assertDecodeFails(() => decodeJpeg(wide.slice().buffer), "exit(1)");
  const marked = withScanMarker(faceJpeg, 900, 0x53);
  await assertDecodeFails(() => decodeJpeg(marked.slice().buffer), "exit(1)");
});

Deno.test("incomplete JPEGs: SOS is followed straight by EOI", () => {
  for (const bytes of [synthJpeg(64, 48, { scan: false }), withScanCut(faceJpeg, 0)]) {
    const start = scanStart(bytes);
    assertOk(start > 0);
    assertEquals([...bytes.subarray(start)], [0xff, 0xd9]);
  }
  const part = withScanCut(faceJpeg, 5000);
  assertOk(part.length < faceJpeg.length && part.length >= scanStart(faceJpeg) + 4999);
  assertEquals([...part.subarray(-2)], [0xff, 0xd9]);
});

Deno.test("the corpus holds issue 23's reproductions", () => {
  const labels = corpusCases(assets).map((c) => c.label);
  for (
    const expected of [
      "thin png 20x1000",
      "thin png 1x4096",
      "cmyk jpeg 64x48",
      "jpeg frame 65535x8",
      "rgba png 640x480, IDAT garbage",
      "rgba png 4096x4096, IDAT truncated",
      "png 1x16777216?detect=false",
      "png 1x16777216",
      "GET /%zz",
      "GET /classifier/%",
      "face.jpg: SOS then EOI",
      "PUT /api/predict",
    ]
  ) {
    assertOk(labels.includes(expected), `corpus has "${expected}"`);
  }
});
