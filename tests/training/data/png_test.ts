import { inflateSync } from "node:zlib";
import { assertEquals } from "../../assert.ts";
import { crc32, encodeGrayPng } from "../../../training/data/png.ts";

Deno.test("png: CRC-32 matches the standard check value", () => {
  assertEquals(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("png: a grayscale image round-trips through its IDAT chunk with valid CRCs", () => {
  const width = 5;
  const height = 3;
  const pixels = Uint8Array.from({ length: width * height }, (_, i) => i * 17);
  const png = encodeGrayPng(pixels, width, height);
  const view = new DataView(png.buffer);
  const chunks: Record<string, Uint8Array> = {};
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    assertEquals(
      view.getUint32(at + 8 + length),
      crc32(png.subarray(at + 4, at + 8 + length)),
      type,
    );
    chunks[type] = png.subarray(at + 8, at + 8 + length);
    at += 12 + length;
  }
  assertEquals(Object.keys(chunks), ["IHDR", "IDAT", "IEND"]);
  assertEquals(Array.from(chunks.IHDR.subarray(0, 10)), [0, 0, 0, 5, 0, 0, 0, 3, 8, 0]);
  const raw = new Uint8Array(inflateSync(chunks.IDAT));
  for (let y = 0; y < height; y++) {
    assertEquals(raw[y * (width + 1)], 0); // filter type "none"
    assertEquals(
      raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)),
      pixels.subarray(y * width, (y + 1) * width),
    );
  }
});
