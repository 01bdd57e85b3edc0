import { assertAlmostEquals, assertEquals } from "../assert.ts";
import { decodeImage } from "../../src/image/decode.ts";
import encodePng from "@jsquash/png/encode.js";
import encodeJpeg from "@jsquash/jpeg/encode.js";
import encodeWebp from "@jsquash/webp/encode.js";

function gradient(width: number, height: number): ImageData {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      data.set([x * 8, y * 8, 128, 255], at);
    }
  }
  return new ImageData(data, width, height);
}

function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

Deno.test("PNG decodes losslessly", async () => {
  const source = gradient(24, 16);
  const png = new Uint8Array(await encodePng(source));
  const image = await decodeImage(png, { contentType: "image/png" });
  assertEquals([image.width, image.height], [24, 16]);
  assertEquals(Array.from(image.data), Array.from(source.data));
});

Deno.test("JPEG and WebP decode close to the source", async () => {
  const source = gradient(32, 32);
  for (
    const bytes of [
      await encodeJpeg(source, { quality: 95 }),
      await encodeWebp(source, { quality: 95 }),
    ]
  ) {
    const image = await decodeImage(new Uint8Array(bytes));
    assertEquals([image.width, image.height], [32, 32]);
    assertAlmostEquals(meanAbsDiff(image.data, source.data), 0, 4);
  }
});

Deno.test("a real photo decodes to its header size", async () => {
  const bytes = await Deno.readFile(new URL("../fixtures/photos/group2.jpg", import.meta.url));
  const image = await decodeImage(bytes);
  assertEquals([image.width, image.height, image.data.length], [1920, 1367, 1920 * 1367 * 4]);
});
