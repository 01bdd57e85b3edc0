// @ts-check
/**
 * The camera page's face crop: expand a detector box to FER2013 framing, convert to grayscale and
 * area-average down to 48x48. It mirrors the server's `src/image/crop.ts` (the same framing
 * constants, from `face_contract.js`; the same luma weights and edge clamping; a test checks both
 * give the same bytes), so a face classified in the browser or on the server sees the same pixels.
 *
 * @module
 */
import { FER_FRAMING, FER_PIXELS, FER_SIZE } from "./face_contract.js";

/**
 * @typedef {{ x: number, y: number, width: number, height: number }} Box
 * A rectangle in source pixels (top-left corner plus size).
 */

/**
 * The square source window read for `box`; it may extend past the image edge.
 * @param {Box} box
 * @returns {Box}
 */
export function ferCropWindow(box) {
  if (!(box.width > 0 && box.height > 0)) {
    throw new RangeError(`face box must have a positive size, got ${box.width}x${box.height}`);
  }
  const side = Math.max(box.width, box.height) * FER_FRAMING.scale;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + FER_FRAMING.shiftY * box.height;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/**
 * Source indices and weights covering each of `outSize` cells of `[start, start + length)`, with
 * indices clamped into `[0, size)` so windows past the edge repeat the edge pixel.
 * @param {number} start
 * @param {number} length
 * @param {number} outSize
 * @param {number} size
 * @returns {{ index: number, weight: number }[][]}
 */
function axisWeights(start, length, outSize, size) {
  const scale = length / outSize;
  /** @type {{ index: number, weight: number }[][]} */
  const cells = [];
  for (let o = 0; o < outSize; o++) {
    const a = start + o * scale;
    const b = a + scale;
    /** @type {{ index: number, weight: number }[]} */
    const cell = [];
    let total = 0;
    for (let s = Math.floor(a); s < b; s++) {
      const overlap = Math.min(b, s + 1) - Math.max(a, s);
      if (overlap <= 1e-9) continue;
      cell.push({ index: Math.min(size - 1, Math.max(0, s)), weight: overlap });
      total += overlap;
    }
    for (const c of cell) c.weight /= total;
    cells.push(cell);
  }
  return cells;
}

/**
 * Crops `box` from RGBA pixels with FER2013 framing and returns 48x48 grayscale bytes, row-major.
 * @param {{ width: number, height: number, data: ArrayLike<number> }} image RGBA, 4 bytes a pixel
 * @param {Box} box face box in image pixels
 * @returns {Uint8Array} 2304 bytes
 */
export function cropFaceGray48(image, box) {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length !== width * height * 4) {
    throw new RangeError(`RGBA image ${width}x${height} has ${data.length} bytes`);
  }
  const win = ferCropWindow(box);
  const xs = axisWeights(win.x, win.width, FER_SIZE, width);
  const ys = axisWeights(win.y, win.height, FER_SIZE, height);
  /** @type {Map<number, Float32Array>} */
  const rows = new Map();
  const rowOf = (/** @type {number} */ sy) => {
    let row = rows.get(sy);
    if (row) return row;
    row = new Float32Array(FER_SIZE);
    const base = sy * width * 4;
    for (let ox = 0; ox < FER_SIZE; ox++) {
      let v = 0;
      for (const { index, weight } of xs[ox]) {
        const p = base + index * 4;
        v += weight * (0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]);
      }
      row[ox] = v;
    }
    rows.set(sy, row);
    return row;
  };
  const out = new Uint8Array(FER_PIXELS);
  for (let oy = 0; oy < FER_SIZE; oy++) {
    const acc = new Float32Array(FER_SIZE);
    for (const { index, weight } of ys[oy]) {
      const row = rowOf(index);
      for (let ox = 0; ox < FER_SIZE; ox++) acc[ox] += weight * row[ox];
    }
    for (let ox = 0; ox < FER_SIZE; ox++) out[oy * FER_SIZE + ox] = Math.round(acc[ox]);
  }
  return out;
}

/**
 * The integer pixel rectangle (clamped to the image) that covers the crop window of `box`, so the
 * page reads only those pixels from the frame instead of the whole frame.
 * @param {Box} box
 * @param {number} width image width
 * @param {number} height image height
 * @returns {Box}
 */
export function cropReadRect(box, width, height) {
  const win = ferCropWindow(box);
  const x0 = Math.max(0, Math.min(width - 1, Math.floor(win.x)));
  const y0 = Math.max(0, Math.min(height - 1, Math.floor(win.y)));
  const x1 = Math.max(x0 + 1, Math.min(width, Math.ceil(win.x + win.width)));
  const y1 = Math.max(y0 + 1, Math.min(height, Math.ceil(win.y + win.height)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Crops every box from what is drawn on a 2D canvas context, reading only each crop's pixels.
 * @param {{ getImageData(x: number, y: number, w: number, h: number): { width: number,
 *   height: number, data: ArrayLike<number> } }} ctx context holding the full frame
 * @param {Box[]} boxes face boxes in frame pixels
 * @param {number} width frame width
 * @param {number} height frame height
 * @returns {Uint8Array[]} 2304 bytes per box
 */
export function cropFacesFromContext(ctx, boxes, width, height) {
  return boxes.map((box) => {
    const rect = cropReadRect(box, width, height);
    const pixels = ctx.getImageData(rect.x, rect.y, rect.width, rect.height);
    return cropFaceGray48(pixels, { ...box, x: box.x - rect.x, y: box.y - rect.y });
  });
}
