/**
 * Failure isolation for the wasm codecs: a JPEG that makes mozjpeg `exit(1)` costs its codec
 * instance, never the next image (after ~96 of them every JPEG used to fail with "memory access out
 * of bounds"), and what the codec said stays out of the error message.
 */
import { assertEquals, assertOk } from "../assert.ts";
import { codecStats, decodeImage, type ImageInputError } from "../../src/image/decode.ts";
import { type CodecInstance, CodecSlot, type DecodedPixels } from "../../src/image/codec_slot.ts";
import encodeWebp from "@jsquash/webp/encode.js";
import {
  bogusHuffmanJpeg,
  cmykJpeg,
  faceJpeg,
  INTERNALS,
  patchFrame,
  withFrameMarker,
} from "./bad_images.ts";

async function refusal(bytes: Uint8Array): Promise<ImageInputError> {
  const error = await decodeImage(bytes).then(() => undefined, (e) => e);
  assertOk(error?.name === "ImageInputError", `expected a refusal, got ${error}`);
  return error;
}

/** Runs `fn` with console.warn silenced (each codec failure logs one line), returning the lines. */
async function quietly(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return lines;
}

Deno.test("200 JPEGs that make mozjpeg exit(1) leave JPEG decoding working", async () => {
  const face = await faceJpeg();
  const expected = await decodeImage(face);
  const bad = bogusHuffmanJpeg(face);
  const before = codecStats().jpeg.failed;
  const logged = await quietly(async () => {
    for (let i = 0; i < 200; i++) {
      const error = await refusal(bad);
      assertEquals([error.status, error.code], [422, "undecodable_image"]);
      assertOk(!INTERNALS.test(error.message), error.message);
      if (i % 50 === 0) {
        const image = await decodeImage(face);
        assertOk(image.data.every((v, k) => v === expected.data[k]), `face after ${i}`);
      }
    }
  });
  const image = await decodeImage(face);
  assertOk(image.data.every((v, k) => v === expected.data[k]), "the face decodes as before");
  assertEquals(codecStats().jpeg.failed - before, 200);
  // Each failure is logged once, with the codec's own words, for the operator.
  assertEquals(logged.length, 200);
  assertOk(logged[0].includes("Bogus Huffman table definition"), logged[0]);
  assertOk(logged[0].includes("exit(1)"), logged[0]);
});

Deno.test("JPEG frames mozjpeg cannot decode are refused from the header, in plain words", async () => {
  const face = await faceJpeg();
  const expected = await decodeImage(face);
  const cases: [string, Uint8Array, RegExp][] = [
    ["CMYK", await cmykJpeg(), /CMYK JPEGs are not supported/],
    ["12-bit", patchFrame(face, 0, 12), /12-bit JPEGs are not supported/],
    ["lossless", withFrameMarker(face, 0xc3), /lossless JPEGs are not supported/],
    ["hierarchical", withFrameMarker(face, 0xc5), /hierarchical JPEGs are not supported/],
  ];
  const before = codecStats().jpeg.created;
  for (const [name, bytes, reason] of cases) {
    const error = await refusal(bytes);
    assertEquals([error.status, error.code], [422, "undecodable_image"], name);
    assertOk(reason.test(error.message), `${name}: ${error.message}`);
    const image = await decodeImage(face);
    assertOk(image.data.every((v, k) => v === expected.data[k]), `face after ${name}`);
  }
  // A frame over libjpeg's 65500-pixel side is too thin or too large for the default limits;
  // raised limits still do not let it reach the codec.
  const wide = patchFrame(face, 1, 0, 8, 0xff, 0xff); // 65535x8
  assertEquals((await refusal(wide)).code, "extreme_aspect_ratio");
  const raised = await decodeImage(wide, { maxPixels: 1e9, maxAspectRatio: 1e5 }).catch((e) => e);
  assertOk(/over 65500 pixels/.test(raised.message), raised.message);
  assertEquals(codecStats().jpeg.created, before, "no codec instance was spent on them");
});

Deno.test("a corrupt WebP costs its instance, not the next WebP", async () => {
  const rgba = new Uint8ClampedArray(64 * 48 * 4).map((_, i) => (i * 5) & 255);
  const webp = new Uint8Array(await encodeWebp(new ImageData(rgba, 64, 48), { quality: 90 }));
  const expected = await decodeImage(webp);
  const corrupt = webp.slice();
  corrupt.fill(0xff, 30, webp.length); // VP8 header intact, frame data destroyed
  await quietly(async () => {
    for (let i = 0; i < 20; i++) {
      const error = await refusal(corrupt);
      assertEquals(error.status, 422);
      assertOk(!INTERNALS.test(error.message), error.message);
    }
  });
  const image = await decodeImage(webp);
  assertOk(image.data.every((v, k) => v === expected.data[k]));
});

/** A fake codec instance: decodes to 1x1, or throws; its heap size is settable. */
function fakeInstance(heap: { bytes: number }, log: string[]): CodecInstance {
  const id = log.length;
  log.push(`created ${id}`);
  return {
    decode(bytes: Uint8Array): DecodedPixels {
      if (bytes[0] === 0) throw { name: "ExitStatus", message: "Program terminated with exit(1)" };
      log.push(`decoded by ${id}`);
      return { width: 1, height: 1, data: new Uint8ClampedArray(4), warnings: [] };
    },
    heapBytes: () => heap.bytes,
    lastOutput: () => ["Bogus marker length"],
  };
}

Deno.test("CodecSlot replaces an instance after a failure, and a grown one once idle", async () => {
  const heap = { bytes: 1000 };
  const log: string[] = [];
  let failCreate = true;
  const slot = new CodecSlot(
    "fake",
    () => {
      if (failCreate) {
        failCreate = false;
        return Promise.reject(new Error("no wasm file"));
      }
      return Promise.resolve(fakeInstance(heap, log));
    },
    5000,
    50,
  );
  const ok = new Uint8Array([1]);
  // A failed instantiation is not the input's fault: it propagates as is, and is retried.
  const createError = await slot.decode(ok).then(() => undefined, (e) => e);
  assertEquals(createError?.message, "no wasm file");
  await slot.decode(ok);
  await slot.decode(ok);
  const failure = await slot.decode(new Uint8Array([0])).then(() => undefined, (e) => e);
  assertEquals(failure?.name, "CodecError");
  assertEquals(failure?.message, "Program terminated with exit(1)");
  assertEquals(failure?.output, ["Bogus marker length"]);
  await slot.decode(ok);
  heap.bytes = 6000; // grown past the limit: kept while in use...
  await slot.decode(ok);
  await slot.decode(ok);
  await new Promise((resolve) => setTimeout(resolve, 120)); // ...and dropped once idle
  await slot.decode(ok);
  assertEquals(log, [
    "created 0",
    "decoded by 0",
    "decoded by 0",
    "created 3",
    "decoded by 3",
    "decoded by 3",
    "decoded by 3",
    "created 7",
    "decoded by 7",
  ]);
  assertEquals(slot.stats, { created: 4, failed: 1, recycled: 1 });
  await new Promise((resolve) => setTimeout(resolve, 120)); // the last one's timer, for the sanitizer
});

Deno.test("CodecSlot: a decode queued behind a failing one gets a fresh instance", async () => {
  const log: string[] = [];
  const slot = new CodecSlot("fake", () => Promise.resolve(fakeInstance({ bytes: 0 }, log)));
  // Both wait for the first instance; the first to run fails and poisons it.
  const [failed, decoded] = await Promise.allSettled([
    slot.decode(new Uint8Array([0])),
    slot.decode(new Uint8Array([1])),
  ]);
  assertEquals([failed.status, decoded.status], ["rejected", "fulfilled"]);
  assertEquals(log, ["created 0", "created 1", "decoded by 1"]);
});
