/**
 * The retry canvases' geometry (`static/js/retry_canvas.js`, shared by the server and the page) and
 * the server's renderer of them: a point drawn on the canvas maps back to where it was in the photo,
 * for padded, upscaled and turned canvases; boxes come back with their size and are clipped.
 *
 * @module
 */
import {
  canvasToImage,
  clipBox,
  faceToImage,
  type Placement,
  placementMatrix,
  RETRY_CANVAS_SIDE,
  RETRY_PAD,
  retrySteps,
  suppressOverlaps,
} from "../../static/js/retry_canvas.js";
import { renderPlacement } from "../../src/image/placement.ts";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";

/** Photo point -> canvas point with the page's `setTransform` matrix. */
function toCanvas(p: Placement, x: number, y: number) {
  const [a, b, c, d, e, f] = placementMatrix(p);
  return { x: a * x + c * y + e, y: b * x + d * y + f };
}

const place = (width: number, height: number, deg: number): Placement => ({
  side: RETRY_CANVAS_SIDE,
  scale: RETRY_CANVAS_SIDE / RETRY_PAD / Math.max(width, height),
  angle: (deg * Math.PI) / 180,
  imageWidth: width,
  imageHeight: height,
});

Deno.test("retry steps: the padded canvas first, then both turns; the photo fits with a margin", async () => {
  const steps = retrySteps(350, 350);
  const angles = steps.map((s) => s.placements.map((p) => Math.round((p.angle * 180) / Math.PI)));
  assertEquals(angles, [[0], [30, -30]]);
  assertEquals(steps.map((s) => s.minScore), [0.6, 0.65]);
  const [upright] = steps[0].placements;
  assertAlmostEquals(upright.scale * 350, RETRY_CANVAS_SIDE / RETRY_PAD, 1e-9);
  // A 48x48 face is upscaled, a 4000-px photo scaled down: the canvas is always 256 px.
  assertAlmostEquals(retrySteps(48, 40)[0].placements[0].scale, 256 / 1.5 / 48, 1e-9);
  assertOk(retrySteps(4000, 3000)[0].placements[0].scale < 0.05);
  // Every corner of a turned photo stays on the canvas.
  for (const p of steps[1].placements) {
    for (const [x, y] of [[0, 0], [350, 0], [0, 350], [350, 350]]) {
      const c = toCanvas(p, x, y);
      assertOk(c.x >= 0 && c.x <= p.side && c.y >= 0 && c.y <= p.side, `corner ${x},${y}`);
    }
  }
  await assertThrows(() => retrySteps(0, 10), "0x10");
});

Deno.test("canvas points map back to the photo for padded, upscaled and turned canvases", () => {
  for (const [w, h] of [[350, 350], [48, 48], [24, 37], [640, 480]]) {
    for (const deg of [0, 30, -30, 45, -45]) {
      const p = place(w, h, deg);
      for (const [x, y] of [[0, 0], [w, 0], [w / 3, h * 0.8], [w / 2, h / 2]]) {
        const back = canvasToImage(p, toCanvas(p, x, y).x, toCanvas(p, x, y).y);
        assertAlmostEquals(back.x, x, 1e-9, `${w}x${h} at ${deg} deg: x of ${x},${y}`);
        assertAlmostEquals(back.y, y, 1e-9, `${w}x${h} at ${deg} deg: y of ${x},${y}`);
      }
    }
  }
  // Turning by +30 deg moves a point right of the centre downwards (clockwise on screen).
  const p = place(100, 100, 30);
  const c = toCanvas(p, 90, 50);
  assertOk(c.y > p.side / 2 + 1 && c.x > p.side / 2, `${c.x},${c.y}`);
});

Deno.test("faces map back with keypoints exact, the box's size kept, and clipped to the photo", () => {
  const p = place(200, 100, 30);
  const eyes = [{ x: 40, y: 30 }, { x: 80, y: 35 }];
  const centre = toCanvas(p, 100, 50);
  const side = 60 * p.scale;
  const face = {
    box: { x: centre.x - side / 2, y: centre.y - side / 2, width: side, height: side },
    score: 0.9,
    keypoints: eyes.map((k) => toCanvas(p, k.x, k.y)),
  };
  const mapped = faceToImage(p, face)!;
  assertAlmostEquals(mapped.box.x, 70, 1e-9);
  assertAlmostEquals(mapped.box.y, 20, 1e-9);
  assertAlmostEquals(mapped.box.width, 60, 1e-9);
  assertEquals(mapped.score, 0.9);
  mapped.keypoints.forEach((k, i) => {
    assertAlmostEquals(k.x, eyes[i].x, 1e-9);
    assertAlmostEquals(k.y, eyes[i].y, 1e-9);
  });
  // A face that fills a tight crop: its box reaches past the photo and is cut at the edges.
  const tight = place(100, 100, 0);
  const big = toCanvas(tight, -10, -20);
  const cut = faceToImage(tight, {
    box: { x: big.x, y: big.y, width: 120 * tight.scale, height: 130 * tight.scale },
    score: 0.8,
    keypoints: [],
  })!;
  assertEquals(cut.box, { x: 0, y: 0, width: 100, height: 100 });
  // A "face" in the black margin only is dropped.
  const margin = toCanvas(tight, -40, -40);
  assertEquals(
    faceToImage(tight, {
      box: { x: margin.x, y: margin.y, width: 20 * tight.scale, height: 20 * tight.scale },
      score: 0.7,
      keypoints: [],
    }),
    undefined,
  );
  assertEquals(clipBox({ x: 5, y: 5, width: 10, height: 10 }, 8, 100), {
    x: 5,
    y: 5,
    width: 3,
    height: 10,
  });
});

Deno.test("one face per place: overlapping faces of one step keep the best score", () => {
  const a = { box: { x: 0, y: 0, width: 10, height: 10 }, score: 0.7, keypoints: [] };
  const b = { box: { x: 1, y: 1, width: 10, height: 10 }, score: 0.9, keypoints: [] };
  const c = { box: { x: 30, y: 0, width: 10, height: 10 }, score: 0.6, keypoints: [] };
  assertEquals(suppressOverlaps([a, b, c]), [b, c]);
});

Deno.test("the server draws the photo where the page's transform puts it, black around it", () => {
  // A 40x30 photo: dark, with one bright pixel block; each turned canvas has it where the matrix says.
  const w = 40, h = 30;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([60, 60, 60, 255], i * 4);
  for (let y = 20; y < 24; y++) {
    for (let x = 8; x < 12; x++) data.set([250, 10, 10, 255], (y * w + x) * 4);
  }
  for (const deg of [0, 30, -30]) {
    const p = place(w, h, deg);
    const canvas = renderPlacement({ width: w, height: h, data }, p);
    assertEquals([canvas.width, canvas.height], [256, 256]);
    const at = (x: number, y: number) => {
      const o = (Math.floor(y) * canvas.width + Math.floor(x)) * 4;
      return [...canvas.data.subarray(o, o + 4)];
    };
    const spot = toCanvas(p, 10, 22);
    const [r, g] = at(spot.x, spot.y);
    assertOk(r > 200 && g < 40, `${deg} deg: red spot at ${spot.x},${spot.y} is ${r},${g}`);
    const grey = toCanvas(p, 30, 8);
    assertEquals(at(grey.x, grey.y), [60, 60, 60, 255], `${deg} deg: photo pixel`);
    assertEquals(at(2, 2), [0, 0, 0, 255], `${deg} deg: margin`);
  }
});
