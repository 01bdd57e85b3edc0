// @ts-check
/**
 * Where the face detector looks again when a pass over a photo finds no face: the whole photo drawn
 * smaller, in the middle of a black square canvas, upright and then turned by ±30°. BlazeFace was
 * trained on faces with some background around them, so it misses the face that fills a tight crop
 * (a profile picture, an LFW crop, a 48×48 FER face); the same face with a margin is found.
 *
 * Pure geometry, shared by the server (`src/detector/retry.ts`, which renders the canvas itself)
 * and the page (`photo.js`, which draws it with a 2D canvas), so both try the same canvases and map
 * what they find back to the photo the same way.
 *
 * @example
 * ```js
 * for (const { placements, minScore } of retrySteps(photo.width, photo.height)) {
 *   const faces = placements.flatMap((placement) =>
 *     detect(draw(photo, placement)).filter((f) => f.score >= minScore)
 *       .map((f) => faceToImage(placement, f)).filter(Boolean));
 *   if (faces.length) return suppressOverlaps(faces);
 * }
 * ```
 *
 * @module
 */

/**
 * Side of a retry canvas in pixels: twice the 128-px input of the short-range BlazeFace that looks
 * at it, so drawing the photo onto it is the only resampling that matters.
 */
export const RETRY_CANVAS_SIDE = 256;

/**
 * The photo's longer side spans the canvas side divided by this: a face that fills the photo gets a
 * margin of a quarter of its size on each side. Chosen on photos-dev (1.25, 1.5, 2 and 3 tried).
 */
export const RETRY_PAD = 1.5;

/**
 * @typedef {object} RetryStep
 * One step of the retry: the canvases to try together, and the score a face found on them needs.
 * @property {Placement[]} placements
 * @property {number} minScore
 */

/**
 * The retry steps: the upright canvas first, then both turns together. A face on a retry canvas
 * needs a higher score than the short-range model's 0.5: at 0.5, 31 of 220 drawn no-face images
 * (colour and gray plasma, noise, text, landscapes) gave a "face", at these thresholds 4, while
 * photos-dev keeps over 99% of its faces (README "Face detection retry").
 */
export const RETRY_STEP_RULES = Object.freeze([
  Object.freeze({ anglesDeg: Object.freeze([0]), minScore: 0.6 }),
  Object.freeze({ anglesDeg: Object.freeze([30, -30]), minScore: 0.65 }),
]);

/** Overlap above which two faces found in one step are the same face. */
const SAME_FACE_IOU = 0.3;

/**
 * @typedef {object} Placement
 * How a photo is drawn on a retry canvas: canvas point = centre + scale · R(angle) · (photo point −
 * photo centre), where R turns by `angle` radians (clockwise on screen, as y points down).
 * @property {number} side canvas side in pixels
 * @property {number} scale canvas pixels per photo pixel
 * @property {number} angle radians
 * @property {number} imageWidth photo width in pixels
 * @property {number} imageHeight photo height in pixels
 */

/**
 * @typedef {{ x: number, y: number }} Point
 * @typedef {import("./face_crop.js").Box} Box
 * @typedef {{ box: Box, score: number, keypoints: Point[] }} Face
 * A face: box and keypoints in the pixels of one image (photo or canvas).
 */

/**
 * The canvases to try when the first pass over a `width`×`height` photo found nothing, step by
 * step: try every placement of a step, keep the faces scoring at least its `minScore`, and stop
 * at the first step that keeps one.
 * @param {number} width
 * @param {number} height
 * @returns {RetryStep[]}
 */
export function retrySteps(width, height) {
  if (!(width > 0 && height > 0)) {
    throw new RangeError(`cannot place a ${width}x${height} image on a retry canvas`);
  }
  const scale = RETRY_CANVAS_SIDE / RETRY_PAD / Math.max(width, height);
  return RETRY_STEP_RULES.map(({ anglesDeg, minScore }) => ({
    minScore,
    placements: anglesDeg.map((deg) => ({
      side: RETRY_CANVAS_SIDE,
      scale,
      angle: (deg * Math.PI) / 180,
      imageWidth: width,
      imageHeight: height,
    })),
  }));
}

/**
 * The 2D affine matrix `[a, b, c, d, e, f]` taking photo points to canvas points, in the order of
 * `CanvasRenderingContext2D.setTransform` (x' = a·x + c·y + e, y' = b·x + d·y + f).
 * @param {Placement} p
 * @returns {[number, number, number, number, number, number]}
 */
export function placementMatrix(p) {
  const cos = Math.cos(p.angle) * p.scale;
  const sin = Math.sin(p.angle) * p.scale;
  const cx = p.imageWidth / 2;
  const cy = p.imageHeight / 2;
  const mid = p.side / 2;
  return [cos, sin, -sin, cos, mid - (cos * cx - sin * cy), mid - (sin * cx + cos * cy)];
}

/**
 * The photo point drawn at canvas point (`x`, `y`).
 * @param {Placement} p
 * @param {number} x
 * @param {number} y
 * @returns {Point}
 */
export function canvasToImage(p, x, y) {
  const dx = (x - p.side / 2) / p.scale;
  const dy = (y - p.side / 2) / p.scale;
  const cos = Math.cos(p.angle);
  const sin = Math.sin(p.angle);
  return {
    x: cos * dx + sin * dy + p.imageWidth / 2,
    y: -sin * dx + cos * dy + p.imageHeight / 2,
  };
}

/**
 * `box` cut to the `width`×`height` image, or `undefined` when less than a pixel of it is inside.
 * @param {Box} box
 * @param {number} width
 * @param {number} height
 * @returns {Box | undefined}
 */
export function clipBox(box, width, height) {
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(width, box.x + box.width);
  const y1 = Math.min(height, box.y + box.height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * A face found on the canvas of `p`, in photo pixels: keypoints map back exactly; the box keeps its
 * size (in photo pixels) around the mapped centre (on a turned canvas the face is upright in the
 * box, so its size is the face's size), then is clipped to the photo. `undefined` when the box
 * lies outside the photo (a "face" in the black margin).
 * @param {Placement} p
 * @param {Face} face in canvas pixels
 * @returns {Face | undefined}
 */
export function faceToImage(p, face) {
  const { box } = face;
  const centre = canvasToImage(p, box.x + box.width / 2, box.y + box.height / 2);
  const width = box.width / p.scale;
  const height = box.height / p.scale;
  const clipped = clipBox(
    { x: centre.x - width / 2, y: centre.y - height / 2, width, height },
    p.imageWidth,
    p.imageHeight,
  );
  if (!clipped) return undefined;
  return {
    box: clipped,
    score: face.score,
    keypoints: face.keypoints.map((k) => canvasToImage(p, k.x, k.y)),
  };
}

/**
 * Intersection over union of two boxes.
 * @param {Box} a
 * @param {Box} b
 */
function overlap(a, b) {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * One face per place: the faces of one step (several canvases may see the same face) sorted by
 * score, each dropped when it overlaps a better one.
 * @template {Face} T
 * @param {T[]} faces
 * @returns {T[]}
 */
export function suppressOverlaps(faces) {
  /** @type {T[]} */
  const kept = [];
  for (const face of [...faces].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => overlap(k.box, face.box) <= SAME_FACE_IOU)) kept.push(face);
  }
  return kept;
}
