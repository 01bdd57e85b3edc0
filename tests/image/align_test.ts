/**
 * The aligned crop's geometry: the eye angle, the turned crop square (the upright framing when the
 * eyes are level), eyes that come out level in the 48×48 crop, and a turned photo that crops like
 * the upright one.
 *
 * @module
 */
import { alignedCropWindow, cropAlignedFaceGray48, eyeAngle } from "../../src/image/align.ts";
import { cropFaceGray48, ferCropWindow } from "../../src/image/crop.ts";
import { decodeImage, type RgbaImage } from "../../src/image/decode.ts";
import { renderPlacement } from "../../src/image/placement.ts";
import { canvasToImage, type Placement, placementMatrix } from "../../static/js/retry_canvas.js";
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";

const box = { x: 40, y: 30, width: 80, height: 80 };
const deg = (rad: number) => (rad * 180) / Math.PI;

Deno.test("eye angle: level eyes give 0, turned eyes their turn, unusable eyes 0", () => {
  const eyes = (dx: number, dy: number) => [{ x: 60, y: 60 }, { x: 60 + dx, y: 60 + dy }];
  assertEquals(eyeAngle({ box, keypoints: eyes(30, 0) }), 0);
  assertAlmostEquals(deg(eyeAngle({ box, keypoints: eyes(30, 30) })), 45, 1e-9);
  assertAlmostEquals(deg(eyeAngle({ box, keypoints: eyes(30, -17.32) })), -30, 0.01);
  assertEquals(eyeAngle({ box, keypoints: eyes(2, 2) }), 0, "eyes 3 px apart in an 80 px face");
  assertEquals(eyeAngle({ box, keypoints: [] }), 0);
  assertEquals(eyeAngle({ box }), 0);
});

Deno.test("the aligned square is the upright framing, turned about the face", () => {
  const level = alignedCropWindow({ box, keypoints: [{ x: 60, y: 60 }, { x: 100, y: 60 }] });
  const upright = ferCropWindow(box);
  assertAlmostEquals(level.side, upright.width, 1e-9);
  assertAlmostEquals(level.cx, upright.x + upright.width / 2, 1e-9);
  assertAlmostEquals(level.cy, upright.y + upright.height / 2, 1e-9);
  const turned = alignedCropWindow({ box, keypoints: [{ x: 60, y: 60 }, { x: 60, y: 100 }] });
  assertAlmostEquals(deg(turned.angle), 90, 1e-9);
  assertAlmostEquals(turned.side, upright.width, 1e-9);
  // The framing's small upward shift follows the face's own "up", now along +x.
  assertOk(turned.cx > box.x + box.width / 2 && Math.abs(turned.cy - 70) < 1e-9);
});

/** A light 160x140 image with two dark "eyes" of radius 5 at `a` and `b`. */
function eyesImage(a: { x: number; y: number }, b: { x: number; y: number }): RgbaImage {
  const width = 160, height = 140;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dark = Math.hypot(x + 0.5 - a.x, y + 0.5 - a.y) < 5 ||
        Math.hypot(x + 0.5 - b.x, y + 0.5 - b.y) < 5;
      data.set(dark ? [20, 20, 20, 255] : [220, 210, 200, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

/** Centroid row of the dark pixels in the left or right half of a 48x48 crop. */
function darkRow(crop: Uint8Array, half: "left" | "right"): number {
  let sum = 0, count = 0;
  for (let y = 0; y < 48; y++) {
    for (let x = half === "left" ? 0 : 24; x < (half === "left" ? 24 : 48); x++) {
      const w = Math.max(0, 150 - crop[y * 48 + x]);
      sum += w * y;
      count += w;
    }
  }
  return sum / count;
}

Deno.test("a face turned by 30 deg comes out with level eyes; the upright crop keeps them tilted", () => {
  const cx = 80, cy = 75, r = 18, turn = Math.PI / 6;
  const right = { x: cx - r * Math.cos(turn), y: cy - 8 - r * Math.sin(turn) };
  const left = { x: cx + r * Math.cos(turn), y: cy - 8 + r * Math.sin(turn) };
  const image = eyesImage(right, left);
  const face = { box: { x: cx - 35, y: cy - 35, width: 70, height: 70 }, keypoints: [right, left] };
  const aligned = cropAlignedFaceGray48(image, face);
  const upright = cropFaceGray48(image, face.box);
  const alignedTilt = darkRow(aligned, "right") - darkRow(aligned, "left");
  const uprightTilt = darkRow(upright, "right") - darkRow(upright, "left");
  assertOk(Math.abs(alignedTilt) < 0.5, `aligned: eyes ${alignedTilt.toFixed(2)} rows apart`);
  assertOk(uprightTilt > 8, `upright: eyes ${uprightTilt.toFixed(2)} rows apart`);
});

Deno.test("level eyes: the aligned crop matches the upright crop", () => {
  const image = eyesImage({ x: 62, y: 60 }, { x: 98, y: 60 });
  const face = { box, keypoints: [{ x: 62, y: 60 }, { x: 98, y: 60 }] };
  const aligned = cropAlignedFaceGray48(image, face);
  const upright = cropFaceGray48(image, box);
  const meanDiff = aligned.reduce((s, v, i) => s + Math.abs(v - upright[i]), 0) / aligned.length;
  assertOk(meanDiff < 3, `mean difference ${meanDiff.toFixed(2)} gray levels`);
});

Deno.test("a photo turned by 30 deg crops, aligned, like the upright photo", async () => {
  const photo = await decodeImage(
    await Deno.readFile(new URL("../fixtures/faces/tight1.jpg", import.meta.url)),
  );
  const turn: Placement = {
    side: 240,
    scale: 1,
    angle: Math.PI / 6,
    imageWidth: photo.width,
    imageHeight: photo.height,
  };
  const canvas = renderPlacement(photo, turn);
  // A face in the middle of the upright photo, with level eyes; the same face on the turned canvas.
  const face = {
    box: { x: 40, y: 40, width: 80, height: 80 },
    keypoints: [{ x: 60, y: 65 }, { x: 100, y: 65 }],
  };
  const [a, b, c, d, e, f] = placementMatrix(turn);
  const toCanvas = (p: { x: number; y: number }) => ({
    x: a * p.x + c * p.y + e,
    y: b * p.x + d * p.y + f,
  });
  const centre = toCanvas({ x: 80, y: 80 });
  const onCanvas = {
    box: { x: centre.x - 40, y: centre.y - 40, width: 80, height: 80 },
    keypoints: face.keypoints.map(toCanvas),
  };
  const back = canvasToImage(turn, centre.x, centre.y);
  assertAlmostEquals(back.x, 80, 1e-9);
  const upright = cropAlignedFaceGray48(photo, face);
  const fromTurned = cropAlignedFaceGray48(canvas, onCanvas);
  const meanDiff = upright.reduce((s, v, i) => s + Math.abs(v - fromTurned[i]), 0) / upright.length;
  assertOk(meanDiff < 4, `mean difference ${meanDiff.toFixed(2)} gray levels`);
  const plain = cropFaceGray48(canvas, onCanvas.box);
  const plainDiff = upright.reduce((s, v, i) => s + Math.abs(v - plain[i]), 0) / upright.length;
  console.log(
    `  aligned ${meanDiff.toFixed(2)}, upright ${plainDiff.toFixed(2)} gray levels apart`,
  );
  assertOk(
    plainDiff > 3 * meanDiff,
    `the upright crop of the turned photo differs by ${plainDiff}`,
  );
});
