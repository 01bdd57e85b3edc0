/** The detector's windows: a hard cap whatever the shape, photo layouts as before. */
import { assertEquals, assertOk } from "../assert.ts";
import { DEFAULT_TILING, detectionWindows } from "../../src/detector/tfjs/windows.ts";

Deno.test("no image shape gets more than 1 + maxTiles windows", () => {
  const shapes = [
    [20, 1000], // was 223 windows of 12 px, which trapped tfjs-wasm
    [30, 1000],
    [100, 4096], // was 183
    [1, 721],
    [1, 4096],
    [1, 16777216],
    [16777216, 1],
    [4096, 4096],
    [28963, 579],
    [721, 1],
  ];
  for (const [width, height] of shapes) {
    const windows = detectionWindows(width, height);
    assertOk(
      windows.length <= 1 + DEFAULT_TILING.maxTiles,
      `${width}x${height}: ${windows.length}`,
    );
    assertOk(windows.length > 1, `${width}x${height} is tiled`);
  }
  assertEquals(detectionWindows(20, 1000, { ...DEFAULT_TILING, maxTiles: 3 }).length, 4);
});

Deno.test("a thin image's tiles are widened and centred across it, and cover its length", () => {
  const [whole, ...tiles] = detectionWindows(20, 1000);
  assertEquals(whole, { x: -490, y: 0, width: 1000, height: 1000, tile: false });
  for (const tile of tiles) {
    assertEquals(tile.width, tile.height);
    assertOk(tile.width > 20, "wider than the strip");
    assertEquals(tile.x, (20 - tile.width) / 2); // letterboxed: the strip in the middle
  }
  assertEquals(tiles[0].y, 0);
  assertEquals(tiles[tiles.length - 1].y + tiles[tiles.length - 1].height, 1000);
  for (let i = 1; i < tiles.length; i++) {
    const overlap = tiles[i - 1].y + tiles[i - 1].height - tiles[i].y;
    assertOk(overlap >= DEFAULT_TILING.overlap * tiles[i].height - 1, `overlap ${overlap}`);
  }
});

Deno.test("ordinary photos keep the layout they had before the cap", () => {
  // Counts and first tiles as computed before the cap existed (3:2, 4:3, 16:9, group fixtures).
  const before: [number, number, number, number][] = [
    [1920, 1280, 7, 768],
    [4032, 3024, 7, 1814],
    [1920, 1080, 9, 648],
    [960, 640, 7, 384],
    [1920, 1367, 7, 820],
  ];
  for (const [width, height, count, tile] of before) {
    const windows = detectionWindows(width, height);
    assertEquals([windows.length, windows[1].width, windows[1].x], [count, tile, 0], `${width}`);
  }
  assertEquals(detectionWindows(640, 480).length, 1);
});
