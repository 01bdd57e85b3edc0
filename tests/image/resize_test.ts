import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { resizeArea } from "../../src/image/resize.ts";
import { toGrayscale } from "../../src/image/gray.ts";

const gray = (width: number, height: number, values: number[]) => ({
  width,
  height,
  channels: 1,
  data: Float32Array.from(values),
});

Deno.test("area resize averages whole blocks exactly", () => {
  const source = gray(4, 2, [0, 2, 4, 6, 10, 12, 14, 16]);
  const out = resizeArea(source, { x: 0, y: 0, width: 4, height: 2 }, 2, 1);
  assertEquals(Array.from(out.data), [6, 10]);
});

Deno.test("area resize weights partial pixels by coverage", () => {
  // 3 → 2: the middle pixel is split half/half.
  const out = resizeArea(gray(3, 1, [0, 30, 60]), { x: 0, y: 0, width: 3, height: 1 }, 2, 1);
  assertAlmostEquals(out.data[0], (0 * 1 + 30 * 0.5) / 1.5, 1e-4);
  assertAlmostEquals(out.data[1], (30 * 0.5 + 60 * 1) / 1.5, 1e-4);
});

Deno.test("windows past the edge repeat edge pixels, or take the fill value", () => {
  const source = gray(2, 1, [10, 20]);
  const clamped = resizeArea(source, { x: -2, y: 0, width: 4, height: 1 }, 2, 1);
  assertEquals(Array.from(clamped.data), [10, 15]);
  const filled = resizeArea(source, { x: -2, y: 0, width: 4, height: 1 }, 2, 1, { fill: 0 });
  assertEquals(Array.from(filled.data), [0, 15]);
});

Deno.test("channel selection drops alpha from RGBA", () => {
  const rgba = { width: 2, height: 1, channels: 4, data: [10, 20, 30, 255, 30, 40, 50, 0] };
  const out = resizeArea(rgba, { x: 0, y: 0, width: 2, height: 1 }, 1, 1, { channels: 3 });
  assertEquals(Array.from(out.data), [20, 30, 40]);
});

Deno.test("bad sizes are refused", async () => {
  const source = gray(2, 1, [1, 2]);
  await assertThrows(() => resizeArea(source, { x: 0, y: 0, width: 0, height: 1 }, 1, 1), "empty");
  await assertThrows(
    () => resizeArea(source, { x: 0, y: 0, width: 2, height: 1 }, 0, 1),
    "positive",
  );
  await assertThrows(() => resizeArea(gray(3, 1, [1]), { x: 0, y: 0, width: 1, height: 1 }, 1, 1));
});

Deno.test("grayscale uses BT.601 luma", () => {
  const image = {
    width: 2,
    height: 1,
    data: new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]),
  };
  const g = toGrayscale(image);
  assertAlmostEquals(g[0], 0.299 * 255, 1e-3);
  assertAlmostEquals(g[1], 0.114 * 255, 1e-3);
});

Deno.test("letterboxing a thin image costs nothing per padded pixel", () => {
  // The detector's whole-image window of a 1x16777216 strip: 16.7M columns, all but one padding.
  // Each padded run is one weight, so this takes milliseconds (it iterated 16.7M columns before).
  const source = gray(1, 4, [40, 80, 120, 160]);
  const side = 16777216;
  const started = performance.now();
  const out = resizeArea(source, { x: (1 - side) / 2, y: 0, width: side, height: 4 }, 4, 2, {
    fill: 0,
  });
  assertOk(performance.now() - started < 200, `${performance.now() - started} ms`);
  // Half the strip falls in each middle cell (of 4194304 columns); the rest is the fill value.
  assertEquals([out.data[0], out.data[3], out.data[4], out.data[7]], [0, 0, 0, 0]);
  assertAlmostEquals(out.data[1], (40 + 80) / 2 * 0.5 / 4194304, 1e-12);
  assertAlmostEquals(out.data[6], (120 + 160) / 2 * 0.5 / 4194304, 1e-12);
  const clamped = resizeArea(source, { x: -2, y: 0, width: 5, height: 4 }, 1, 1);
  assertAlmostEquals(clamped.data[0], 100, 1e-4); // every column repeats the one real column
});
