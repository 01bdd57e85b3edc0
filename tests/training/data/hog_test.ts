import { assertAlmostEquals, assertEquals, assertOk } from "../../assert.ts";
import {
  FACE_HOG,
  FACE_HOG_WINDOWS,
  hog,
  hogLength,
  orientationBinTable,
  slidingHog,
  slidingHogLength,
} from "../../../training/data/hog.ts";
import { loadFerCsvSplits } from "../../../training/data/load.ts";
import { referenceHog, referenceSlidingHog } from "../../../training/prepare/hog_reference.ts";

const SIDE = 48;

function image(value: (x: number, y: number) => number): Uint8Array {
  const out = new Uint8Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) out[y * SIDE + x] = value(x, y);
  return out;
}

function cell(features: Float32Array, index: number, orientations = 8): number[] {
  return Array.from(features.subarray(index * orientations, (index + 1) * orientations));
}

function assertVector(actual: number[], expected: number[], tolerance = 1e-5): void {
  assertEquals(actual.length, expected.length);
  actual.forEach((v, i) => assertAlmostEquals(v, expected[i], tolerance, `bin ${i}: ${actual}`));
}

const ONLY = (bin: number): number[] => Array.from({ length: 8 }, (_, i) => (i === bin ? 1 : 0));
const ZERO = ONLY(-1);

Deno.test("hog: the seed's sizes are 72 (whole image) and 2592 (sliding windows)", () => {
  assertEquals(hogLength(SIDE, SIDE, FACE_HOG), 72);
  assertEquals(slidingHogLength(SIDE, SIDE, FACE_HOG_WINDOWS), 2592);
  assertEquals(hog(new Uint8Array(SIDE * SIDE), SIDE, SIDE, FACE_HOG).length, 72);
});

Deno.test("hog: a vertical edge fills bin 0 of the cells it crosses, whatever its polarity", () => {
  // Columns 23 and 24 see a horizontal gradient of 100; orientation 0 degrees (or 180 = 0 mod 180).
  for (const edge of [image((x) => (x >= 24 ? 100 : 0)), image((x) => (x >= 24 ? 0 : 100))]) {
    const features = hog(edge, SIDE, SIDE, FACE_HOG);
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) assertVector(cell(features, r * 3 + c), c === 1 ? ONLY(0) : ZERO);
    }
  }
});

Deno.test("hog: a horizontal edge fills bin 4 (90 degrees); a flat image gives zeros, not NaN", () => {
  const features = hog(image((_, y) => (y >= 24 ? 200 : 10)), SIDE, SIDE, FACE_HOG);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) assertVector(cell(features, r * 3 + c), r === 1 ? ONLY(4) : ZERO);
  }
  assertOk(hog(image(() => 77), SIDE, SIDE, FACE_HOG).every((v) => v === 0));
});

Deno.test("hog: bin edges follow skimage (start <= angle < end, 22.5 degree bins)", () => {
  const bin = (gx: number, gy: number) => orientationBinTable(8)[(gy + 255) * 511 + gx + 255];
  assertEquals(bin(1, 0), 0); // 0 degrees
  assertEquals(bin(-1, 0), 0); // 180 -> 0
  assertEquals(bin(2, 2), 2); // exactly 45 -> bin [45, 67.5)
  assertEquals(bin(0, 5), 4); // 90
  assertEquals(bin(0, -5), 4); // -90 -> 90
  assertEquals(bin(-2, 2), 6); // 135
  assertEquals(bin(255, -1), 7); // just under 180
});

Deno.test("hog: magnitudes are summed per cell, divided by the cell area, then normalised", () => {
  // Ramp I = 2x + y: interior gradient (4, 2) -> 26.57 deg, bin 1, magnitude sqrt(20); the image's
  // top and bottom rows have gy = 0 (bin 0, magnitude 4); its side columns gx = 0 (bin 4, 2).
  const ramp = image((x, y) => 2 * x + y);
  const expectedCell = (interior: number, rowBorder: number, colBorder: number) => {
    const sums = ZERO.slice();
    sums[1] = (interior * Math.sqrt(20)) / 256;
    sums[0] = (rowBorder * 4) / 256;
    sums[4] = (colBorder * 2) / 256;
    return sums;
  };
  const l1 = (v: number[]) => v.map((x) => x / (v.reduce((a, b) => a + b) + 1e-5));
  const l2hys = (v: number[]) => {
    const n1 = Math.sqrt(v.reduce((a, b) => a + b * b, 0) + 1e-10);
    const clipped = v.map((x) => Math.min(x / n1, 0.2));
    const n2 = Math.sqrt(clipped.reduce((a, b) => a + b * b, 0) + 1e-10);
    return clipped.map((x) => x / n2);
  };
  const topLeft = expectedCell(15 * 15, 15, 15); // corner pixel (0,0) has no gradient
  const topMiddle = expectedCell(15 * 16, 16, 0);
  const center = expectedCell(256, 0, 0);
  const withL1 = hog(ramp, SIDE, SIDE, { ...FACE_HOG, blockNorm: "L1" });
  assertVector(cell(withL1, 0), l1(topLeft));
  assertVector(cell(withL1, 1), l1(topMiddle));
  assertVector(cell(withL1, 4), l1(center));
  const withL2Hys = hog(ramp, SIDE, SIDE, FACE_HOG);
  assertVector(cell(withL2Hys, 0), l2hys(topLeft));
  assertVector(cell(withL2Hys, 1), l2hys(topMiddle));
  assertAlmostEquals(cell(withL2Hys, 1)[1], 0.958, 1e-3); // the clipped-then-renormalised value
});

/** Offset of window (wy, wx) in the sliding-HOG vector: windows are y-major, each clipped. */
function windowOffset(wy: number, wx: number): number {
  let offset = 0;
  for (let y = 0; y < SIDE; y += 6) {
    for (let x = 0; x < SIDE; x += 6) {
      if (y === wy && x === wx) return offset;
      offset += hogLength(Math.min(24, SIDE - x), Math.min(24, SIDE - y), FACE_HOG_WINDOWS);
    }
  }
  throw new Error("no such window");
}

Deno.test("hog windows: a window's own border has no gradient, as in skimage on a slice", () => {
  const features = slidingHog(image((x) => (x >= 24 ? 100 : 0)), SIDE, SIDE, FACE_HOG_WINDOWS);
  const windowCells = (x: number) => {
    const start = windowOffset(0, x);
    return Array.from(
      { length: 9 },
      (_, i) => Array.from(features.subarray(start + i * 8, start + i * 8 + 8)),
    );
  };
  // x = 0: the edge columns 23/24 are the window's last column and outside it -> nothing.
  assertOk(windowCells(0).flat().every((v) => v === 0));
  // x = 24: column 24 is the window's first column -> nothing.
  assertOk(windowCells(24).flat().every((v) => v === 0));
  // x = 6: columns 23/24 are inside cell column 2 (columns 22..29) of every cell row.
  windowCells(6).forEach((c, i) => assertVector(c, i % 3 === 2 ? ONLY(0) : ZERO));
  // x = 18: inside cell column 0 (columns 18..25).
  windowCells(18).forEach((c, i) => assertVector(c, i % 3 === 0 ? ONLY(0) : ZERO));
});

Deno.test("hog windows: equal to skimage-style hog() of each cropped, border-clipped window", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256;
  const picture = image(() => random());
  const features = slidingHog(picture, SIDE, SIDE, FACE_HOG_WINDOWS);
  for (let y = 0; y < SIDE; y += 6) {
    for (let x = 0; x < SIDE; x += 6) {
      const w = Math.min(24, SIDE - x);
      const h = Math.min(24, SIDE - y);
      const crop = new Uint8Array(w * h);
      for (let r = 0; r < h; r++) {
        crop.set(picture.subarray((y + r) * SIDE + x, (y + r) * SIDE + x + w), r * w);
      }
      const expected = hog(crop, w, h, FACE_HOG_WINDOWS);
      const start = windowOffset(y, x);
      assertEquals(
        Array.from(features.subarray(start, start + expected.length)),
        Array.from(expected),
      );
    }
  }
});

Deno.test("hog: matches a literal port of skimage on real faces from the fixture", async () => {
  const fixture = new URL("../../fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;
  const { splits } = await loadFerCsvSplits(fixture, { limit: 4 });
  const faces = splits.Training!.images;
  for (let i = 0; i < 4; i++) {
    const face = faces.subarray(i * 2304, (i + 1) * 2304);
    const whole = hog(face, SIDE, SIDE, FACE_HOG);
    referenceHog(face, SIDE, SIDE, 8, 16).forEach((v, j) => assertAlmostEquals(whole[j], v, 1e-6));
    const windows = slidingHog(face, SIDE, SIDE, FACE_HOG_WINDOWS);
    const expected = referenceSlidingHog(face, SIDE, FACE_HOG_WINDOWS);
    assertEquals(windows.length, expected.length);
    expected.forEach((v, j) => assertAlmostEquals(windows[j], v, 1e-6));
  }
});
