/**
 * EXIF orientation for JPEGs: phones store photos sideways and tag how to display them. Browsers
 * honour the tag, so the server must too, or faces reach the detector rotated and are missed.
 *
 * @module
 */
import type { RgbaImage } from "../face.ts";
import { APP1, readJpegSegments } from "./jpeg_segments.ts";

const ORIENTATION_TAG = 0x0112;

/** The EXIF orientation (1..8) of a JPEG, or 1 when absent or unreadable. */
export function readJpegOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const segment of readJpegSegments(bytes).segments) {
    if (segment.marker !== APP1 || segment.end - segment.start < 6) continue;
    const id = String.fromCharCode(...bytes.subarray(segment.start, segment.start + 6));
    if (id === "Exif\0\0") return tiffOrientation(view, segment.start + 6, segment.end);
  }
  return 1;
}

function tiffOrientation(view: DataView, tiff: number, end: number): number {
  if (tiff + 8 > end) return 1;
  const little = view.getUint16(tiff) === 0x4949; // "II"
  const ifd = tiff + view.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > end) return 1;
    if (view.getUint16(entry, little) === ORIENTATION_TAG) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** Returns `image` as it should be displayed under EXIF `orientation` (1 = unchanged). */
export function applyOrientation(image: RgbaImage, orientation: number): RgbaImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h, data } = image;
  const swap = orientation >= 5;
  const outW = swap ? h : w;
  const outH = swap ? w : h;
  // Source pixel for display pixel (x, y), per orientation.
  const source: Record<number, (x: number, y: number) => [number, number]> = {
    2: (x, y) => [w - 1 - x, y],
    3: (x, y) => [w - 1 - x, h - 1 - y],
    4: (x, y) => [x, h - 1 - y],
    5: (x, y) => [y, x],
    6: (x, y) => [y, h - 1 - x],
    7: (x, y) => [w - 1 - y, h - 1 - x],
    8: (x, y) => [w - 1 - y, x],
  };
  const map = source[orientation];
  const out = new Uint8ClampedArray(data.length);
  const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
  const pixels = new Uint32Array(aligned.buffer, aligned.byteOffset, w * h);
  const target = new Uint32Array(out.buffer);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const [sx, sy] = map(x, y);
      target[y * outW + x] = pixels[sy * w + sx];
    }
  }
  return { width: outW, height: outH, data: out };
}
