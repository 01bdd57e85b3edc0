/**
 * Draws a photo onto a retry canvas (`static/js/retry_canvas.js`): scaled, turned and centred on a
 * black square, with bilinear sampling, as a browser's 2D canvas draws it for the page.
 *
 * @module
 */
import type { RgbaImage } from "../face.ts";
import { canvasToImage, type Placement } from "../../static/js/retry_canvas.js";

/**
 * The canvas `placement` describes, with `image` drawn on it. Canvas pixels whose centre falls
 * outside the photo are opaque black; the cost is one bilinear sample a canvas pixel, whatever the
 * photo's size.
 */
export function renderPlacement(image: RgbaImage, placement: Placement): RgbaImage {
  const { side } = placement;
  const { width, height, data } = image;
  const out = new Uint8ClampedArray(side * side * 4);
  // The photo point of canvas pixel (i, j) moves by a constant step along a row: map the row start
  // and one step instead of every pixel.
  const origin = canvasToImage(placement, 0.5, 0.5);
  const right = canvasToImage(placement, 1.5, 0.5);
  const down = canvasToImage(placement, 0.5, 1.5);
  const ux = right.x - origin.x, uy = right.y - origin.y;
  const vx = down.x - origin.x, vy = down.y - origin.y;
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      const o = (j * side + i) * 4;
      out[o + 3] = 255;
      const u = origin.x + i * ux + j * vx;
      const v = origin.y + i * uy + j * vy;
      if (u < 0 || v < 0 || u > width || v > height) continue;
      // Pixel centres sit at half-integers; neighbours past the edge repeat the edge pixel.
      const x = u - 0.5, y = v - 0.5;
      const x0 = Math.floor(x), y0 = Math.floor(y);
      const fx = x - x0, fy = y - y0;
      const xa = Math.max(0, x0), xb = Math.min(width - 1, x0 + 1);
      const ya = Math.max(0, y0), yb = Math.min(height - 1, y0 + 1);
      const p00 = (ya * width + xa) * 4, p01 = (ya * width + xb) * 4;
      const p10 = (yb * width + xa) * 4, p11 = (yb * width + xb) * 4;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * fx;
        const bottom = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * fx;
        out[o + c] = top + (bottom - top) * fy;
      }
    }
  }
  return { width: side, height: side, data: out };
}
