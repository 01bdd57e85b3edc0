/**
 * The face crop shared by the server and the tests: turns a detector box into a 48×48 grayscale
 * image framed like FER2013 (a square from about the forehead to just below the chin).
 *
 * @module
 */
import {
  type FaceBox,
  FER_FRAMING,
  FER_PIXELS,
  FER_SIZE,
  type FerFraming,
  type RgbaImage,
} from "../face.ts";
import { toGrayscale } from "./gray.ts";
import { resizeArea, type SourceRect } from "./resize.ts";

/** The square source window the crop reads for `box` (may extend past the image edge). */
export function ferCropWindow(box: FaceBox, framing: FerFraming = FER_FRAMING): SourceRect {
  if (!(box.width > 0 && box.height > 0)) {
    throw new RangeError(`face box must have a positive size, got ${box.width}x${box.height}`);
  }
  const side = Math.max(box.width, box.height) * framing.scale;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + framing.shiftY * box.height;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}

/**
 * Crops `box` from `image` with FER2013 framing: expand to a square, convert to grayscale, and
 * area-average down to 48×48. Returns 2304 bytes, row-major, like one row of `fer2013.csv`.
 */
export function cropFaceGray48(
  image: RgbaImage,
  box: FaceBox,
  framing: FerFraming = FER_FRAMING,
): Uint8Array {
  const window = ferCropWindow(box, framing);
  // Convert only the window's bounding rows/columns to gray, not the whole photo.
  const x0 = Math.max(0, Math.min(image.width - 1, Math.floor(window.x)));
  const y0 = Math.max(0, Math.min(image.height - 1, Math.floor(window.y)));
  const x1 = Math.max(x0 + 1, Math.min(image.width, Math.ceil(window.x + window.width)));
  const y1 = Math.max(y0 + 1, Math.min(image.height, Math.ceil(window.y + window.height)));
  const region = subImage(image, x0, y0, x1 - x0, y1 - y0);
  const gray = toGrayscale(region);
  const resized = resizeArea(
    { width: region.width, height: region.height, channels: 1, data: gray },
    { x: window.x - x0, y: window.y - y0, width: window.width, height: window.height },
    FER_SIZE,
    FER_SIZE,
  );
  const out = new Uint8Array(FER_PIXELS);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(resized.data[i]);
  return out;
}

function subImage(
  image: RgbaImage,
  x: number,
  y: number,
  width: number,
  height: number,
): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * 4;
    data.set(image.data.subarray(start, start + width * 4), row * width * 4);
  }
  return { width, height, data };
}
