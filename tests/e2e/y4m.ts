/**
 * Writes a YUV4MPEG2 (`.y4m`) clip, the format Chromium's fake camera plays
 * (`--use-file-for-fake-video-capture`), from an RGBA image: 4:2:0 planes with BT.601 limited-range
 * colour, one frame per horizontal shift so the face moves a little like in a real camera.
 *
 * @module
 */

/** An RGBA image, 4 bytes a pixel, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** Options for {@link rgbaToY4m}. */
export interface Y4mOptions {
  /** Frames per second written in the header. */
  fps?: number;
  /** Horizontal shift in pixels of each frame (edge pixels repeat); one frame per entry. */
  shifts?: number[];
}

/** Encodes `image` as a y4m clip. Width and height must be even (4:2:0 chroma). */
export function rgbaToY4m(image: Rgba, options: Y4mOptions = {}): Uint8Array {
  const { width, height, data } = image;
  const fps = options.fps ?? 15;
  const shifts = options.shifts ?? [0];
  if (width % 2 || height % 2 || width <= 0 || height <= 0) {
    throw new RangeError(`y4m needs an even, non-empty size, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `RGBA ${width}x${height} needs ${width * height * 4} bytes, got ${data.length}`,
    );
  }
  const header = new TextEncoder().encode(
    `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`,
  );
  const frameTag = new TextEncoder().encode("FRAME\n");
  const ySize = width * height;
  const cSize = ySize / 4;
  const frameBytes = frameTag.length + ySize + 2 * cSize;
  const out = new Uint8Array(header.length + shifts.length * frameBytes);
  out.set(header, 0);
  shifts.forEach((shift, f) => {
    const base = header.length + f * frameBytes;
    out.set(frameTag, base);
    const y = out.subarray(base + frameTag.length, base + frameTag.length + ySize);
    const u = out.subarray(base + frameTag.length + ySize, base + frameTag.length + ySize + cSize);
    const v = out.subarray(base + frameTag.length + ySize + cSize, base + frameBytes);
    const px = (col: number, row: number) => {
      const sx = Math.min(width - 1, Math.max(0, col - shift));
      return (row * width + sx) * 4;
    };
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const p = px(col, row);
        y[row * width + col] = Math.round(
          16 + (65.481 * data[p] + 128.553 * data[p + 1] + 24.966 * data[p + 2]) / 255,
        );
      }
    }
    for (let row = 0; row < height; row += 2) {
      for (let col = 0; col < width; col += 2) {
        let r = 0, g = 0, b = 0;
        for (const [dc, dr] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
          const p = px(col + dc, row + dr);
          r += data[p] / 4;
          g += data[p + 1] / 4;
          b += data[p + 2] / 4;
        }
        const i = (row / 2) * (width / 2) + col / 2;
        u[i] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
        v[i] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
      }
    }
  });
  return out;
}
