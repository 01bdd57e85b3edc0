import { assertEquals, assertOk } from "../assert.ts";
import { applyOrientation, readJpegOrientation } from "../../src/image/orientation.ts";
import { decodeImage } from "../../src/image/decode.ts";
import encodeJpeg from "@jsquash/jpeg/encode.js";

/** A 3x2 image whose pixels are numbered 1..6 in the red channel, row-major. */
const numbered = () => ({
  width: 3,
  height: 2,
  data: new Uint8ClampedArray([1, 2, 3, 4, 5, 6].flatMap((v) => [v, 0, 0, 255])),
});
const reds = (image: { data: Uint8ClampedArray }) =>
  Array.from(image.data.filter((_, i) => i % 4 === 0));

Deno.test("applyOrientation turns stored pixels into display order for all 8 EXIF values", () => {
  // Stored:  1 2 3 / 4 5 6
  const expected: Record<number, [number, number, number[]]> = {
    1: [3, 2, [1, 2, 3, 4, 5, 6]],
    2: [3, 2, [3, 2, 1, 6, 5, 4]],
    3: [3, 2, [6, 5, 4, 3, 2, 1]],
    4: [3, 2, [4, 5, 6, 1, 2, 3]],
    5: [2, 3, [1, 4, 2, 5, 3, 6]],
    6: [2, 3, [4, 1, 5, 2, 6, 3]],
    7: [2, 3, [6, 3, 5, 2, 4, 1]],
    8: [2, 3, [3, 6, 2, 5, 1, 4]],
  };
  for (const [orientation, [width, height, values]] of Object.entries(expected)) {
    const out = applyOrientation(numbered(), Number(orientation));
    assertEquals(
      [out.width, out.height, reds(out)],
      [width, height, values],
      `orientation ${orientation}`,
    );
  }
});

/** Inserts an APP1 Exif segment with `orientation` right after the JPEG's SOI marker. */
function withOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  const tiff = [
    0x4d,
    0x4d,
    0,
    42,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    orientation,
    0,
    0,
    0,
    0,
    0,
    0,
  ];
  const payload = [...new TextEncoder().encode("Exif\0\0"), ...tiff];
  const length = payload.length + 2;
  const segment = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...segment, ...jpeg.subarray(2)]);
}

Deno.test("JPEGs are decoded upright according to their EXIF orientation", async () => {
  // 32x16, top-left 8x8 block white, the rest black.
  const data = new Uint8ClampedArray(32 * 16 * 4);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 32; x++) {
      const v = x < 8 && y < 8 ? 255 : 0;
      data.set([v, v, v, 255], (y * 32 + x) * 4);
    }
  }
  const jpeg = new Uint8Array(await encodeJpeg(new ImageData(data, 32, 16), { quality: 95 }));
  const rotated = withOrientation(jpeg, 6);
  assertEquals(readJpegOrientation(rotated), 6);
  assertEquals(readJpegOrientation(jpeg), 1);
  const image = await decodeImage(rotated);
  assertEquals([image.width, image.height], [16, 32]);
  // Rotated 90° clockwise: the white block is now top-right.
  const at = (x: number, y: number) => image.data[(y * 16 + x) * 4];
  assertOk(at(12, 4) > 200 && at(3, 4) < 50, `top-right ${at(12, 4)}, top-left ${at(3, 4)}`);
  const raw = await decodeImage(rotated, { applyExifOrientation: false });
  assertEquals([raw.width, raw.height], [32, 16]);
});
