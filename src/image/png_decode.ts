/**
 * A PNG decoder in TypeScript: zlib inflating by `node:zlib` (native, streamed, so that a zlib bomb
 * stops at the size the header implies), then un-filtering and conversion to 8-bit RGBA here. It replaces `@jsquash/png`'s wasm decoder, which leaked its output
 * buffer on every failed decode (a corrupt 4096x4096 PNG cost 66 MB, never returned) and could not
 * be re-instantiated; here a failed decode is an ordinary exception and its buffers ordinary
 * garbage. (Deno's `inflateSync` and `DecompressionStream` leak native memory on every stream that
 * fails, ~0.1 MB and ~0.5 MB a time; a `createInflate` stream destroyed on error does not.)
 *
 * Every colour type and bit depth is read, interlaced or not; 16-bit samples keep their high byte
 * and low bit depths are scaled to 0..255, as `@jsquash/png` does.
 *
 * @example
 * ```ts
 * const { width, height, data } = await decodePng(await Deno.readFile("photo.png"));
 * ```
 *
 * @module
 */
import { createInflate } from "node:zlib";
import { CHANNELS, PngError, type PngInfo, readPngChunks } from "./png_chunks.ts";

export { PngError } from "./png_chunks.ts";

/** A decoded PNG, row-major RGBA. */
export interface PngPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];
const WHOLE = [[0, 0, 1, 1]];

interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  /** Bytes of a filtered row, without the filter-type byte. */
  rowBytes: number;
}

function passes(info: PngInfo): Pass[] {
  const bits = CHANNELS[info.colorType] * info.bitDepth;
  return (info.interlaced ? ADAM7 : WHOLE).map(([x0, y0, dx, dy]) => {
    const width = Math.ceil(Math.max(0, info.width - x0) / dx);
    const height = Math.ceil(Math.max(0, info.height - y0) / dy);
    return { x0, y0, dx, dy, width, height, rowBytes: Math.ceil((width * bits) / 8) };
  }).filter((pass) => pass.width > 0 && pass.height > 0);
}

/** Output bytes the inflater hands over at a time. */
const INFLATE_CHUNK = 1 << 20;

/**
 * Inflates the IDAT stream into a buffer of exactly `expected` bytes, stopping (and freeing the
 * native stream) as soon as the data runs past that size.
 */
function inflate(info: PngInfo, expected: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // Allocated when the first inflated bytes arrive: a stream that is corrupt from its first
    // bytes (the usual hostile PNG) then costs no image-sized buffer at all.
    let out: Uint8Array | undefined;
    let length = 0;
    const inflater = createInflate({ chunkSize: INFLATE_CHUNK });
    const fail = (message: string) => {
      inflater.destroy();
      reject(new PngError(message));
    };
    inflater.on("data", (chunk: Uint8Array) => {
      // Extra data after the image is ignored, as browsers do; it is not inflated further.
      const room = expected - length;
      out ??= new Uint8Array(expected);
      out.set(room < chunk.length ? chunk.subarray(0, room) : chunk, length);
      length += Math.min(room, chunk.length);
      if (length === expected) {
        inflater.destroy();
        resolve(out);
      }
    });
    inflater.on("error", (error: Error & { code?: string }) => {
      fail(
        error.code === "Z_BUF_ERROR"
          ? "the PNG's image data is truncated"
          : "the PNG's image data is corrupt (it does not inflate)",
      );
    });
    inflater.on("end", () => {
      if (length < expected) fail("the PNG's image data is truncated");
    });
    for (const part of info.data) inflater.write(part);
    inflater.end();
  });
}

/** Reverses the PNG filters of one pass in place; returns the offset just past the pass. */
function unfilter(raw: Uint8Array, at: number, pass: Pass, bpp: number): number {
  const n = pass.rowBytes;
  // The row above the first is all zeros; filters read it like any other.
  const zeros = new Uint8Array(n);
  let up: Uint8Array = zeros;
  for (let y = 0; y < pass.height; y++, at += n + 1) {
    const filter = raw[at];
    const row = raw.subarray(at + 1, at + 1 + n);
    if (filter === 1) {
      for (let i = bpp; i < n; i++) row[i] += row[i - bpp];
    } else if (filter === 2) {
      for (let i = 0; i < n; i++) row[i] += up[i];
    } else if (filter === 3) {
      for (let i = 0; i < bpp; i++) row[i] += up[i] >> 1;
      for (let i = bpp; i < n; i++) row[i] += (row[i - bpp] + up[i]) >> 1;
    } else if (filter === 4) {
      for (let i = 0; i < bpp; i++) row[i] += up[i]; // Paeth of (0, b, 0) is b
      for (let i = bpp; i < n; i++) {
        const a = row[i - bpp];
        const b = up[i];
        const c = up[i - bpp];
        const p = a + b - c;
        const pa = p > a ? p - a : a - p;
        const pb = p > b ? p - b : b - p;
        const pc = p > c ? p - c : c - p;
        row[i] += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
    } else if (filter !== 0) {
      throw new PngError(`the PNG's image data uses an unknown filter type ${filter}`);
    }
    up = row;
  }
  return at;
}

/** 8-bit rows without tRNS, the common case, one loop per colour type. Returns false otherwise. */
function expand8(
  info: PngInfo,
  raw: Uint8Array,
  row: number,
  out: Uint8Array,
  dst: number,
  n: number,
) {
  const { colorType: type, palette } = info;
  if (type === 2) {
    for (let x = 0, i = row; x < n; x++, i += 3, dst += 4) {
      out[dst] = raw[i];
      out[dst + 1] = raw[i + 1];
      out[dst + 2] = raw[i + 2];
      out[dst + 3] = 255;
    }
  } else if (type === 0) {
    for (let x = 0; x < n; x++, dst += 4) {
      const v = raw[row + x];
      out[dst] = out[dst + 1] = out[dst + 2] = v;
      out[dst + 3] = 255;
    }
  } else if (type === 3) {
    for (let x = 0; x < n; x++, dst += 4) {
      const p = raw[row + x] * 4;
      out[dst] = palette![p];
      out[dst + 1] = palette![p + 1];
      out[dst + 2] = palette![p + 2];
      out[dst + 3] = palette![p + 3];
    }
  } else if (type === 4) {
    for (let x = 0, i = row; x < n; x++, i += 2, dst += 4) {
      out[dst] = out[dst + 1] = out[dst + 2] = raw[i];
      out[dst + 3] = raw[i + 1];
    }
  } else {
    out.set(raw.subarray(row, row + n * 4), dst);
  }
}

/** The 8-bit value of a sample at `depth` bits: 16-bit keeps its high byte, low depths scale. */
function to8(sample: number, depth: number): number {
  if (depth === 16) return sample >> 8;
  if (depth === 8) return sample;
  return Math.round((sample * 255) / ((1 << depth) - 1));
}

/** Writes one un-filtered pass into `out` as RGBA. */
function expand(info: PngInfo, raw: Uint8Array, at: number, pass: Pass, out: Uint8Array): void {
  const { bitDepth: depth, colorType: type, palette, transparent } = info;
  const channels = CHANNELS[type];
  const mask = (1 << depth) - 1;
  const sample = new Array<number>(4).fill(0);
  for (let y = 0; y < pass.height; y++) {
    const row = at + y * (pass.rowBytes + 1) + 1;
    let dst = ((pass.y0 + y * pass.dy) * info.width + pass.x0) * 4;
    if (depth === 8 && pass.dx === 1 && !transparent) {
      expand8(info, raw, row, out, dst, pass.width);
      continue;
    }
    const step = pass.dx * 4;
    for (let x = 0; x < pass.width; x++, dst += step) {
      for (let c = 0; c < channels; c++) {
        if (depth === 8) sample[c] = raw[row + x * channels + c];
        else if (depth === 16) {
          const i = row + (x * channels + c) * 2;
          sample[c] = (raw[i] << 8) | raw[i + 1];
        } else {
          const bit = x * depth; // one channel: grey or palette index
          sample[c] = (raw[row + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
        }
      }
      if (type === 3) {
        const p = sample[0] * 4;
        for (let c = 0; c < 4; c++) out[dst + c] = palette![p + c];
        continue;
      }
      const grey = type === 0 || type === 4;
      for (let c = 0; c < 3; c++) out[dst + c] = to8(sample[grey ? 0 : c], depth);
      let alpha = 255;
      if (type === 4 || type === 6) alpha = to8(sample[channels - 1], depth);
      else if (transparent && transparent.every((t, c) => sample[c] === t)) alpha = 0;
      out[dst + 3] = alpha;
    }
  }
}

/**
 * Decodes PNG bytes to 8-bit RGBA.
 *
 * @throws {PngError} for anything that is not a whole, valid PNG; the message is fit for clients.
 */
export async function decodePng(bytes: Uint8Array): Promise<PngPixels> {
  const info = readPngChunks(bytes);
  const { width, height } = info;
  if (width === 0 || height === 0) throw new PngError("the PNG has an empty size");
  const layout = passes(info);
  const expected = layout.reduce((n, pass) => n + (pass.rowBytes + 1) * pass.height, 0);
  const raw = await inflate(info, expected);
  const bpp = Math.max(1, (CHANNELS[info.colorType] * info.bitDepth) >> 3);
  if (!info.interlaced && info.colorType === 6 && info.bitDepth === 8) {
    // Already RGBA: drop each row's filter byte in place instead of copying into a new buffer.
    unfilter(raw, 0, layout[0], bpp);
    const rowBytes = width * 4;
    for (let y = 0; y < height; y++) {
      raw.copyWithin(y * rowBytes, y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    }
    const data = new Uint8ClampedArray(raw.buffer, raw.byteOffset, rowBytes * height);
    return { width, height, data };
  }
  const out = new Uint8Array(width * height * 4);
  let at = 0;
  for (const pass of layout) {
    const start = at;
    at = unfilter(raw, at, pass, bpp);
    expand(info, raw, start, pass, out);
  }
  return { width, height, data: new Uint8ClampedArray(out.buffer) };
}
