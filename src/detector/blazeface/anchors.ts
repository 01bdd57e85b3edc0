/**
 * SSD anchor generation as MediaPipe's `SsdAnchorsCalculator` does it with `fixed_anchor_size`:
 * every anchor is a unit box centred on a grid cell; layers with the same stride share a grid and
 * stack their anchors per cell.
 *
 * @module
 */
import type { BlazeFaceConfig } from "./config.ts";

/** Anchor centres in 0..1 input coordinates: `[x0, y0, x1, y1, ...]`. */
export function generateAnchors(config: BlazeFaceConfig): Float32Array {
  const centres: number[] = [];
  let layer = 0;
  while (layer < config.strides.length) {
    const stride = config.strides[layer];
    let sameStride = 0;
    while (layer < config.strides.length && config.strides[layer] === stride) {
      sameStride++;
      layer++;
    }
    const grid = Math.ceil(config.inputSize / stride);
    const perCell = sameStride * config.anchorsPerLayer;
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let k = 0; k < perCell; k++) centres.push((x + 0.5) / grid, (y + 0.5) / grid);
      }
    }
  }
  if (centres.length / 2 !== config.anchorCount) {
    throw new Error(`generated ${centres.length / 2} anchors, the model has ${config.anchorCount}`);
  }
  return Float32Array.from(centres);
}
