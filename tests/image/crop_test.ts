import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { cropFaceGray48, ferCropWindow } from "../../src/image/crop.ts";
import { FER_FRAMING } from "../../src/face.ts";
import type { RgbaImage } from "../../src/image/decode.ts";

/** A black image with a white square at (x, y, side). */
function squareImage(width: number, height: number, x: number, y: number, side: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const inside = col >= x && col < x + side && row >= y && row < y + side;
      data.set(
        [inside ? 255 : 0, inside ? 255 : 0, inside ? 255 : 0, 255],
        (row * width + col) * 4,
      );
    }
  }
  return { width, height, data };
}

Deno.test("the crop window is a square around the box, enlarged by the framing scale", () => {
  const window = ferCropWindow({ x: 100, y: 50, width: 80, height: 100 });
  const side = 100 * FER_FRAMING.scale;
  assertAlmostEquals(window.width, side, 1e-9);
  assertAlmostEquals(window.height, side, 1e-9);
  assertAlmostEquals(window.x + side / 2, 140, 1e-9);
  assertAlmostEquals(window.y + side / 2, 100 + FER_FRAMING.shiftY * 100, 1e-9);
});

Deno.test("cropFaceGray48 returns 48x48 gray with the box in the middle", () => {
  const image = squareImage(200, 160, 60, 40, 80);
  const crop = cropFaceGray48(image, { x: 60, y: 40, width: 80, height: 80 }, {
    scale: 2,
    shiftY: 0,
  });
  assertEquals(crop.length, 48 * 48);
  // Scale 2: the white box covers the central 24x24 pixels.
  assertEquals(crop[24 * 48 + 24], 255);
  assertEquals(crop[12 * 48 + 12], 255);
  assertEquals(crop[11 * 48 + 11], 0);
  assertEquals(crop[0], 0);
  assertEquals(crop[36 * 48 + 36], 0);
});

Deno.test("crops at the image edge repeat the border instead of padding black", () => {
  const image = squareImage(100, 100, 0, 0, 100); // all white
  const crop = cropFaceGray48(image, { x: -20, y: 70, width: 50, height: 50 });
  assertOk(crop.every((v) => v === 255));
});

Deno.test("an empty box is refused", async () => {
  const image = squareImage(10, 10, 0, 0, 5);
  await assertThrows(
    () => cropFaceGray48(image, { x: 0, y: 0, width: 0, height: 4 }),
    "positive size",
  );
});
