/**
 * Draws detections onto an RGBA image (box outlines and keypoints), for the benchmark's PNGs.
 *
 * @module
 */
import type { RgbaImage } from "../../src/face.ts";
import type { DetectedFace } from "../../src/detector/types.ts";

/** An RGB colour. */
export type Rgb = [number, number, number];

function setPixel(image: RgbaImage, x: number, y: number, color: Rgb): void {
  const px = Math.round(x);
  const py = Math.round(y);
  if (px < 0 || py < 0 || px >= image.width || py >= image.height) return;
  const at = (py * image.width + px) * 4;
  image.data[at] = color[0];
  image.data[at + 1] = color[1];
  image.data[at + 2] = color[2];
  image.data[at + 3] = 255;
}

/** Draws each face's box (`thickness` px) and keypoints in place. */
export function drawFaces(
  image: RgbaImage,
  faces: DetectedFace[],
  color: Rgb = [0, 255, 0],
  thickness = 3,
): void {
  for (const { box, keypoints } of faces) {
    for (let t = 0; t < thickness; t++) {
      const x0 = box.x - t;
      const y0 = box.y - t;
      const x1 = box.x + box.width + t;
      const y1 = box.y + box.height + t;
      for (let x = x0; x <= x1; x++) {
        setPixel(image, x, y0, color);
        setPixel(image, x, y1, color);
      }
      for (let y = y0; y <= y1; y++) {
        setPixel(image, x0, y, color);
        setPixel(image, x1, y, color);
      }
    }
    const r = Math.max(2, thickness);
    for (const p of keypoints) {
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) setPixel(image, p.x + dx, p.y + dy, [255, 0, 0]);
      }
    }
  }
}
