/**
 * RGBA to grayscale conversion with the ITU-R BT.601 luma weights (as OpenCV's `cvtColor`, which is
 * how FER2013-style data sets are usually made gray). Alpha is ignored.
 *
 * @module
 */
import type { RgbaImage } from "../face.ts";

/** Luma (0..255, fractional) of every pixel of `image`, row-major. */
export function toGrayscale(image: RgbaImage): Float32Array {
  const { width, height, data } = image;
  const gray = new Float32Array(width * height);
  for (let i = 0, p = 0; i < gray.length; i++, p += 4) {
    gray[i] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  }
  return gray;
}
