import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { FULL_RANGE, SHORT_RANGE } from "../../src/detector/blazeface/config.ts";
import { generateAnchors } from "../../src/detector/blazeface/anchors.ts";
import { decodeDetections, sigmoid } from "../../src/detector/blazeface/decode.ts";
import { iou, weightedNms } from "../../src/detector/blazeface/nms.ts";
import { detectionWindows } from "../../src/detector/tfjs/windows.ts";
import { float16ToFloat32 } from "../../src/detector/tflite/float16.ts";

Deno.test("anchors follow MediaPipe's SSD layout", () => {
  const short = generateAnchors(SHORT_RANGE);
  assertEquals(short.length, 896 * 2);
  // First grid: 16x16 cells, 2 anchors each, centred.
  assertEquals(Array.from(short.subarray(0, 4)), [0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16]);
  assertAlmostEquals(short[2 * 512], 0.5 / 8, 1e-7); // first anchor of the 8x8 grid
  const full = generateAnchors(FULL_RANGE);
  assertEquals(full.length, 2304 * 2);
  assertAlmostEquals(full[full.length - 1], 47.5 / 48, 1e-7);
});

Deno.test("decoding maps regressors to boxes and keypoints around the anchor", () => {
  const anchors = Float32Array.from([0.25, 0.75]);
  const config = { ...SHORT_RANGE, anchorCount: 1 };
  const regressors = new Float32Array(16);
  regressors.set([12.8, -12.8, 25.6, 51.2]); // centre +0.1/-0.1, size 0.2 x 0.4
  regressors[4] = 6.4; // first keypoint x +0.05
  const [detection] = decodeDetections(regressors, Float32Array.from([2]), anchors, config, 0.5);
  assertAlmostEquals(detection.score, sigmoid(2), 1e-7);
  const expected = [0.35 - 0.1, 0.65 - 0.2, 0.2, 0.4];
  detection.box.forEach((v, i) => assertAlmostEquals(v, expected[i], 1e-6));
  assertAlmostEquals(detection.keypoints[0][0], 0.3, 1e-6);
  assertEquals(decodeDetections(regressors, Float32Array.from([-2]), anchors, config, 0.5), []);
});

Deno.test("weighted NMS blends overlapping boxes by score and keeps separate ones", () => {
  const kp: [number, number][] = [[0, 0]];
  const merged = weightedNms([
    { box: [0, 0, 10, 10], score: 0.9, keypoints: kp },
    { box: [2, 0, 10, 10], score: 0.6, keypoints: [[3, 0]] },
    { box: [50, 50, 10, 10], score: 0.7, keypoints: kp },
  ]);
  assertEquals(merged.length, 2);
  assertEquals(merged[0].score, 0.9);
  assertAlmostEquals(merged[0].box[0], (0 * 0.9 + 2 * 0.6) / 1.5, 1e-9);
  assertAlmostEquals(merged[0].keypoints[0][0], (3 * 0.6) / 1.5, 1e-9);
  assertEquals(merged[1].box, [50, 50, 10, 10]);
  assertAlmostEquals(iou([0, 0, 10, 10], [5, 0, 10, 10]), 50 / 150, 1e-9);
});

Deno.test("tiles cover the whole photo with overlap; small images get one window", () => {
  const windows = detectionWindows(1920, 1280);
  assertEquals(windows[0], { x: 0, y: -320, width: 1920, height: 1920, tile: false });
  const tiles = windows.slice(1);
  assertOk(tiles.length > 1);
  assertEquals(Math.max(...tiles.map((t) => t.x + t.width)), 1920);
  assertEquals(Math.max(...tiles.map((t) => t.y + t.height)), 1280);
  assertEquals(Math.min(...tiles.map((t) => t.x)), 0);
  assertEquals(detectionWindows(640, 480).length, 1);
});

Deno.test("float16 decoding", () => {
  // 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal = 0x0001.
  const bytes = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00]);
  const values = float16ToFloat32(bytes);
  assertEquals(Array.from(values.subarray(0, 3)), [1, -2, 65504]);
  assertAlmostEquals(values[3], 2 ** -24, 1e-12);
});
