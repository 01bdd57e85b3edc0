import { assertEquals, assertOk } from "../assert.ts";
import { sniffImageHeader } from "../../src/image/sniff.ts";
import { decodeImage, ImageInputError } from "../../src/image/decode.ts";

/** A PNG signature plus IHDR claiming `width`×`height`, and nothing else. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  bytes.set(new TextEncoder().encode("IHDR"), 12);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

async function refused(bytes: Uint8Array, options?: Parameters<typeof decodeImage>[1]) {
  try {
    await decodeImage(bytes, options);
  } catch (error) {
    assertOk(error instanceof ImageInputError, `expected ImageInputError, got ${error}`);
    return error;
  }
  throw new Error("expected the image to be refused");
}

Deno.test("sniff reads PNG, JPEG and WebP dimensions from headers", async () => {
  assertEquals(sniffImageHeader(pngHeader(640, 480)), { format: "png", width: 640, height: 480 });
  const jpeg = await Deno.readFile(new URL("../fixtures/photos/group1.jpg", import.meta.url));
  assertEquals(sniffImageHeader(jpeg), { format: "jpeg", width: 1920, height: 1280 });
  // VP8L (lossless) header for a 300x200 image: 14-bit width-1 and height-1 after 0x2f.
  const webp = new Uint8Array(30);
  webp.set(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8L"));
  webp[20] = 0x2f;
  new DataView(webp.buffer).setUint32(21, (300 - 1) | ((200 - 1) << 14), true);
  assertEquals(sniffImageHeader(webp), { format: "webp", width: 300, height: 200 });
});

Deno.test("a PNG claiming 50000x50000 is refused with 413 before decoding", async () => {
  const started = performance.now();
  const error = await refused(pngHeader(50_000, 50_000));
  assertEquals([error.status, error.code], [413, "image_too_large"]);
  assertOk(error.message.includes("50000x50000"), error.message);
  assertOk(performance.now() - started < 500, "the refusal should not decode anything");
});

Deno.test("maxPixels is configurable", async () => {
  const error = await refused(pngHeader(100, 100), { maxPixels: 9_999 });
  assertEquals(error.status, 413);
});

Deno.test("empty, unknown, unsupported and corrupt inputs get distinct statuses", async () => {
  assertEquals((await refused(new Uint8Array(0))).status, 400);
  const gif = new TextEncoder().encode("GIF89a\x01\x00\x01\x00");
  assertEquals([(await refused(gif)).status, (await refused(gif)).code], [
    415,
    "unsupported_format",
  ]);
  const text = new TextEncoder().encode("hello, this is not an image");
  assertEquals((await refused(text)).status, 415);
  assertEquals((await refused(pngHeader(10, 10), { contentType: "image/gif" })).status, 415);
  assertEquals((await refused(pngHeader(0, 10))).code, "invalid_dimensions");
  // A valid PNG header with no image data behind it.
  const corrupt = await refused(pngHeader(10, 10));
  assertEquals([corrupt.status, corrupt.code], [422, "undecodable_image"]);
  // A JPEG that ends before its frame header.
  assertEquals((await refused(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).status, 422);
});
