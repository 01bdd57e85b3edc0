// @ts-check
/**
 * The aligned face crop: the FER2013 framing of `face_crop.js`, turned so that the eyes are level.
 * The crop square is centred as the upright one, with the same side, but its axes follow the line
 * from the right eye to the left eye (BlazeFace's first two keypoints), and it is sampled by
 * supersampled bilinear interpolation of luma (edge pixels repeat past the image border, as the
 * upright crop does).
 *
 * One module for the server (`src/image/align.ts`) and the page, so both give the same bytes; the
 * page reads only the pixels the crop needs from its canvas, and the sampler indexes them in image
 * coordinates, so a partial read gives exactly the bytes of the whole frame.
 *
 * @example
 * ```js
 * const rect = alignedReadRect(face, frame.width, frame.height);
 * const pixels = ctx.getImageData(rect.x, rect.y, rect.width, rect.height);
 * const crop = cropAlignedGray48(pixels, face, { ...rect, imageWidth: frame.width,
 *   imageHeight: frame.height });
 * ```
 *
 * @module
 */
import { FER_FRAMING, FER_PIXELS, FER_SIZE } from "./face_contract.js";

/**
 * Most bilinear samples per output pixel along each axis: a 48×48 crop of a face up to 192 px
 * across is sampled at every source pixel or finer; larger faces are sampled more sparsely.
 */
export const MAX_SUPERSAMPLE = 4;

/** Eyes closer than this fraction of the box's larger side give no usable angle (a profile). */
const MIN_EYE_DISTANCE = 0.1;

/**
 * @typedef {import("./face_crop.js").Box} Box
 * @typedef {{ x: number, y: number }} Point
 * @typedef {{ box: Box, keypoints?: Point[] }} FaceGeometry
 * A detector face: its box and BlazeFace's keypoints (right eye, left eye, ...) in image pixels.
 * @typedef {{ cx: number, cy: number, side: number, angle: number }} AlignedWindow
 * The crop square: centre, side and turn (radians; positive turns clockwise on screen).
 */

/**
 * The angle of the line from the right eye (keypoint 0, on the image's left in a frontal face) to
 * the left eye: the turn that levels the eyes. 0 when the keypoints are missing or the eyes almost
 * coincide.
 * @param {FaceGeometry} face
 * @returns {number} radians
 */
export function eyeAngle(face) {
  const [right, left] = face.keypoints ?? [];
  if (!right || !left) return 0;
  const dx = left.x - right.x;
  const dy = left.y - right.y;
  const size = Math.max(face.box.width, face.box.height);
  if (Math.hypot(dx, dy) < MIN_EYE_DISTANCE * size) return 0;
  return Math.atan2(dy, dx);
}

/**
 * The crop square for `face`: the upright crop's side and centre (the vertical shift follows the
 * face's own down direction), turned by the eye angle.
 * @param {FaceGeometry} face
 * @returns {AlignedWindow}
 */
export function alignedCropWindow(face) {
  const { box } = face;
  if (!(box.width > 0 && box.height > 0)) {
    throw new RangeError(`face box must have a positive size, got ${box.width}x${box.height}`);
  }
  const angle = eyeAngle(face);
  const side = Math.max(box.width, box.height) * FER_FRAMING.scale;
  const shift = FER_FRAMING.shiftY * box.height;
  return {
    cx: box.x + box.width / 2 - Math.sin(angle) * shift,
    cy: box.y + box.height / 2 + Math.cos(angle) * shift,
    side,
    angle,
  };
}

/**
 * The integer rectangle of image pixels (clamped to the image) that the aligned crop of `face`
 * reads, bilinear neighbours included.
 * @param {FaceGeometry} face
 * @param {number} width image width
 * @param {number} height image height
 * @returns {Box}
 */
export function alignedReadRect(face, width, height) {
  const win = alignedCropWindow(face);
  const half = win.side / 2;
  const reach = half * (Math.abs(Math.cos(win.angle)) + Math.abs(Math.sin(win.angle)));
  const clampX = (/** @type {number} */ v) => Math.max(0, Math.min(width - 1, v));
  const clampY = (/** @type {number} */ v) => Math.max(0, Math.min(height - 1, v));
  const x0 = clampX(Math.floor(win.cx - reach - 0.5));
  const y0 = clampY(Math.floor(win.cy - reach - 0.5));
  const x1 = clampX(Math.floor(win.cx + reach - 0.5) + 1);
  const y1 = clampY(Math.floor(win.cy + reach - 0.5) + 1);
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * @typedef {object} PixelRegion
 * Where the given pixels sit in the image they were read from.
 * @property {number} x image column of the pixels' first column
 * @property {number} y image row of the pixels' first row
 * @property {number} imageWidth width of the whole image
 * @property {number} imageHeight height of the whole image
 */

/**
 * The aligned 48×48 grayscale crop of `face`, 2304 bytes row-major.
 * @param {{ width: number, height: number, data: ArrayLike<number> }} pixels RGBA, 4 bytes a pixel:
 *   the whole image, or a part of it holding at least {@link alignedReadRect}
 * @param {FaceGeometry} face in image pixels
 * @param {PixelRegion} [region] where `pixels` sit in the image (default: they are the image)
 * @returns {Uint8Array}
 */
export function cropAlignedGray48(pixels, face, region) {
  const { width, height, data } = pixels;
  if (!(width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new RangeError(`RGBA image ${width}x${height} has ${data.length} bytes`);
  }
  const { x: ox, y: oy, imageWidth, imageHeight } = region ??
    { x: 0, y: 0, imageWidth: width, imageHeight: height };
  const win = alignedCropWindow(face);
  const k = Math.min(MAX_SUPERSAMPLE, Math.max(1, Math.ceil(win.side / FER_SIZE)));
  const n = FER_SIZE * k;
  const step = win.side / n;
  const cos = Math.cos(win.angle);
  const sin = Math.sin(win.angle);
  /** Luma of image pixel (`ix`, `iy`), clamped to the image, read from `pixels`. */
  const luma = (/** @type {number} */ ix, /** @type {number} */ iy) => {
    const px = Math.max(0, Math.min(imageWidth - 1, ix)) - ox;
    const py = Math.max(0, Math.min(imageHeight - 1, iy)) - oy;
    if (px < 0 || py < 0 || px >= width || py >= height) {
      throw new RangeError(`pixel ${ix},${iy} is outside the pixels given (read alignedReadRect)`);
    }
    const p = (py * width + px) * 4;
    return 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  };
  const sums = new Float64Array(FER_PIXELS);
  for (let j = 0; j < n; j++) {
    const v = (j + 0.5) * step - win.side / 2;
    const row = Math.floor(j / k) * FER_SIZE;
    for (let i = 0; i < n; i++) {
      const u = (i + 0.5) * step - win.side / 2;
      // Image point of face-frame point (u, v); pixel centres sit at half-integers.
      const x = win.cx + cos * u - sin * v - 0.5;
      const y = win.cy + sin * u + cos * v - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const top = luma(x0, y0) * (1 - fx) + luma(x0 + 1, y0) * fx;
      const bottom = luma(x0, y0 + 1) * (1 - fx) + luma(x0 + 1, y0 + 1) * fx;
      sums[row + Math.floor(i / k)] += top * (1 - fy) + bottom * fy;
    }
  }
  const out = new Uint8Array(FER_PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(sums[i] / (k * k));
  return out;
}

/**
 * Aligned crops of every face from what is drawn on a 2D canvas context, reading only each crop's
 * pixels.
 * @param {{ getImageData(x: number, y: number, w: number, h: number): { width: number,
 *   height: number, data: ArrayLike<number> } }} ctx context holding the full frame
 * @param {FaceGeometry[]} faces in frame pixels
 * @param {number} width frame width
 * @param {number} height frame height
 * @returns {Uint8Array[]} 2304 bytes per face
 */
export function cropAlignedFacesFromContext(ctx, faces, width, height) {
  return faces.map((face) => {
    const rect = alignedReadRect(face, width, height);
    const pixels = ctx.getImageData(rect.x, rect.y, rect.width, rect.height);
    return cropAlignedGray48(pixels, face, {
      x: rect.x,
      y: rect.y,
      imageWidth: width,
      imageHeight: height,
    });
  });
}
