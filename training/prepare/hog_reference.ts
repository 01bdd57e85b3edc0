/**
 * A literal port of skimage's `hog` (`_hog_channel_gradient` + `_hoghistogram.hog_histograms` +
 * L2-Hys), one window at a time, with `Math.hypot`/`Math.atan2` per pixel and one pass per
 * orientation as the Cython does. Slow on purpose: it is the baseline of `deno task bench:hog` and
 * an independent check of the table-driven `training/data/hog.ts`.
 *
 * @module
 */

/** skimage `hog(window, orientations, pixels_per_cell=(cell, cell), cells_per_block=(1, 1))`. */
export function referenceHog(
  window: Uint8Array,
  width: number,
  height: number,
  orientations: number,
  cell: number,
): number[] {
  const gCol = new Float64Array(width * height);
  const gRow = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 1; x < width - 1; x++) {
      gCol[y * width + x] = window[y * width + x + 1] - window[y * width + x - 1];
    }
  }
  for (let y = 1; y < height - 1; y++) {
    for (let x = 0; x < width; x++) {
      gRow[y * width + x] = window[(y + 1) * width + x] - window[(y - 1) * width + x];
    }
  }
  const magnitude = gCol.map((gx, i) => Math.hypot(gx, gRow[i]));
  const orientation = gCol.map((gx, i) => {
    const degrees = (Math.atan2(gRow[i], gx) * (180 / Math.PI)) % 180;
    return degrees < 0 ? degrees + 180 : degrees;
  });
  const cellsX = Math.floor(width / cell);
  const cellsY = Math.floor(height / cell);
  const hist = new Float64Array(cellsX * cellsY * orientations);
  for (let o = 0; o < orientations; o++) {
    const start = Math.fround((180 / orientations) * (o + 1));
    const end = Math.fround((180 / orientations) * o);
    for (let cy = 0; cy < cellsY; cy++) {
      for (let cx = 0; cx < cellsX; cx++) {
        let total = 0;
        for (let y = cy * cell; y < (cy + 1) * cell; y++) {
          for (let x = cx * cell; x < (cx + 1) * cell; x++) {
            const angle = orientation[y * width + x];
            if (angle >= start || angle < end) continue;
            total = Math.fround(total + magnitude[y * width + x]);
          }
        }
        hist[(cy * cellsX + cx) * orientations + o] = Math.fround(total / (cell * cell));
      }
    }
  }
  const out: number[] = [];
  for (let c = 0; c < cellsX * cellsY; c++) {
    const block = Array.from(hist.subarray(c * orientations, (c + 1) * orientations));
    const n1 = Math.sqrt(block.reduce((a, b) => a + b * b, 0) + 1e-10);
    const clipped = block.map((v) => Math.min(v / n1, 0.2));
    const n2 = Math.sqrt(clipped.reduce((a, b) => a + b * b, 0) + 1e-10);
    out.push(...clipped.map((v) => v / n2));
  }
  return out;
}

/** The seed's `sliding_hog_windows` on a `side x side` image, via {@link referenceHog} on crops. */
export function referenceSlidingHog(
  image: Uint8Array,
  side: number,
  options: { windowSize: number; step: number; orientations: number; cellSize: number },
): number[] {
  const out: number[] = [];
  for (let y = 0; y < side; y += options.step) {
    for (let x = 0; x < side; x += options.step) {
      const w = Math.min(options.windowSize, side - x);
      const h = Math.min(options.windowSize, side - y);
      const crop = new Uint8Array(w * h);
      for (let r = 0; r < h; r++) {
        crop.set(image.subarray((y + r) * side + x, (y + r) * side + x + w), r * w);
      }
      out.push(...referenceHog(crop, w, h, options.orientations, options.cellSize));
    }
  }
  return out;
}
