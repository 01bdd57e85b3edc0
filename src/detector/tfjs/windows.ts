/**
 * Which square windows of a photo the detector looks at: the whole (letterboxed) image, plus a grid
 * of overlapping tiles so that the small faces of group photos are big enough in the model's input.
 *
 * @module
 */
import type { SourceRect } from "../../image/resize.ts";

/** Tiling parameters. */
export interface TilingOptions {
  /** Tile side as a fraction of the image's shorter side; 0 disables tiling. */
  tileFraction: number;
  /** Minimum overlap between neighbouring tiles as a fraction of the tile side. */
  overlap: number;
  /** Images whose longer side is at most this many pixels are not tiled. */
  minTiledSide: number;
  /**
   * Most tiles, whatever the image's shape. A thin image (20x1000) would otherwise get hundreds of
   * tiles of 0.6 x its short side; its tiles are widened instead until they fit the cap, and then
   * overhang its short side, letterboxed like the whole-image window.
   */
  maxTiles: number;
}

/**
 * Defaults chosen on the group photos (see README "Face detection"): 6 tiles plus the whole image for
 * a 3:2 photo. Faces up to a quarter of a tile always fit whole in some tile; larger faces are found
 * in the whole-image window.
 */
export const DEFAULT_TILING: TilingOptions = {
  tileFraction: 0.6,
  overlap: 0.25,
  minTiledSide: 720,
  maxTiles: 12,
};

/** A window and whether it is a tile (its border cuts through the image). */
export interface DetectionWindow extends SourceRect {
  tile: boolean;
}

/** How many tiles of side `tile` cover `length` with at least `overlap`. */
function tileCount(length: number, tile: number, overlap: number): number {
  if (tile >= length) return 1;
  return Math.ceil((length - tile) / (tile * (1 - overlap))) + 1;
}

function starts(length: number, tile: number, overlap: number): number[] {
  // A tile longer than the side is centred on it, overhanging both ends.
  if (tile >= length) return [(length - tile) / 2];
  const step = tile * (1 - overlap);
  const count = Math.ceil((length - tile) / step) + 1;
  const spacing = (length - tile) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * spacing));
}

/**
 * The letterboxed whole image first, then the tiles row by row: at most `1 + tiling.maxTiles`
 * windows for any size and shape.
 */
export function detectionWindows(
  width: number,
  height: number,
  tiling: TilingOptions = DEFAULT_TILING,
): DetectionWindow[] {
  const side = Math.max(width, height);
  const windows: DetectionWindow[] = [{
    x: (width - side) / 2,
    y: (height - side) / 2,
    width: side,
    height: side,
    tile: false,
  }];
  if (tiling.tileFraction <= 0 || side <= tiling.minTiledSide) return windows;
  const count = (tile: number) =>
    tileCount(width, tile, tiling.overlap) * tileCount(height, tile, tiling.overlap);
  let tile = Math.max(1, Math.round(Math.min(width, height) * tiling.tileFraction));
  if (count(tile) > tiling.maxTiles) {
    // The smallest tile that fits the cap (the count only falls as tiles grow; one tile of the
    // longer side always fits).
    let fits = side;
    while (fits - tile > 1) {
      const mid = Math.floor((tile + fits) / 2);
      if (count(mid) <= tiling.maxTiles) fits = mid;
      else tile = mid;
    }
    tile = fits;
  }
  for (const y of starts(height, tile, tiling.overlap)) {
    for (const x of starts(width, tile, tiling.overlap)) {
      windows.push({ x, y, width: tile, height: tile, tile: true });
    }
  }
  return windows;
}
