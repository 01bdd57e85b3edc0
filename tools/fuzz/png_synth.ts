/**
 * A PNG writer for the fuzzer: valid images of any size and colour type, and images whose header is
 * valid while the pixel data (IDAT) is broken in a chosen way, with correct chunk CRCs so that the
 * decoder gets past the container and fails only inside the compressed data.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk } from "../../src/image/png_bytes.ts";

/** PNG colour types the writer supports: gray, RGB, RGBA (8 bits a sample). */
export type PngColor = "gray" | "rgb" | "rgba";

/** How {@link synthPng} breaks the IDAT stream (`"valid"` leaves it whole). */
export type IdatDamage =
  /** A correct zlib stream of all rows. */
  | "valid"
  /** The stream cut after its first few hundred bytes: the decoder runs out of data. */
  | "truncated"
  /** A correct zlib header followed by random bytes: an invalid deflate stream. */
  | "garbage"
  /** The rows deflated correctly but with a wrong Adler-32 checksum at the end. */
  | "bad-checksum"
  /** The rows deflated correctly, but one row short of the declared height. */
  | "short";

/** Options for {@link synthPng}. */
export interface SynthPngOptions {
  /** Colour type (default `"gray"`). */
  color?: PngColor;
  /** Sample value of pixel `i` of row `y` (default a diagonal pattern). */
  sample?: (x: number, y: number, channel: number) => number;
  /** How to break the pixel data (default `"valid"`). */
  damage?: IdatDamage;
  /** Source of the random bytes of `"garbage"` (default a fixed pattern). */
  random?: () => number;
}

const CHANNELS: Record<PngColor, number> = { gray: 1, rgb: 3, rgba: 4 };
const COLOR_TYPE: Record<PngColor, number> = { gray: 0, rgb: 2, rgba: 6 };

/** The 13-byte IHDR body for an 8-bit, non-interlaced image. */
function ihdr(width: number, height: number, color: PngColor): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = COLOR_TYPE[color];
  return header;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Filter-0 scanlines of `rows` rows. */
function scanlines(
  width: number,
  rows: number,
  channels: number,
  sample: NonNullable<SynthPngOptions["sample"]>,
): Uint8Array {
  const stride = width * channels + 1;
  const raw = new Uint8Array(stride * rows);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) raw[y * stride + 1 + x * channels + c] = sample(x, y, c);
    }
  }
  return raw;
}

const pattern = (x: number, y: number, c: number) => (x * 7 + y * 3 + c * 50) & 255;

/** The IDAT payload for `damage`. */
function idatPayload(
  width: number,
  height: number,
  channels: number,
  options: SynthPngOptions,
): Uint8Array {
  const damage = options.damage ?? "valid";
  const sample = options.sample ?? pattern;
  if (damage === "garbage") {
    const random = options.random ?? (() => 0.37);
    const out = new Uint8Array(512);
    out[0] = 0x78;
    out[1] = 0x9c;
    for (let i = 2; i < out.length; i++) out[i] = Math.floor(random() * 256);
    return out;
  }
  if (damage === "truncated") {
    // Enough rows to give a few hundred compressed bytes, then cut the stream in the middle.
    const rows = Math.min(height, Math.max(1, Math.ceil(4096 / (width * channels + 1))));
    const stream = new Uint8Array(
      deflateSync(scanlines(width, rows, channels, sample), { level: 9 }),
    );
    return stream.subarray(0, Math.max(3, Math.floor(stream.length / 2)));
  }
  const rows = damage === "short" ? Math.max(0, height - 1) : height;
  const stream = new Uint8Array(
    deflateSync(scanlines(width, rows, channels, sample), { level: 9 }),
  );
  if (damage === "bad-checksum") stream[stream.length - 1] ^= 0xff;
  return stream;
}

/**
 * A PNG of `width`x`height` 8-bit pixels, valid or with its IDAT broken as `options.damage` says.
 * Large flat or patterned images compress well: 1x16777216 gray is about 32 KB.
 *
 * @example
 * ```ts
 * const thin = synthPng(20, 1000); // the thin.png
 * const broken = synthPng(4096, 4096, { color: "rgba", damage: "garbage" });
 * ```
 */
export function synthPng(width: number, height: number, options: SynthPngOptions = {}): Uint8Array {
  const color = options.color ?? "gray";
  return concatBytes([
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk("IHDR", ihdr(width, height, color)),
    pngChunk("IDAT", idatPayload(width, height, CHANNELS[color], options)),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * A small PNG whose IHDR (with a correct CRC) declares `width`x`height` though its data holds a
 * 4x4 image: the header lies about the size.
 */
export function pngDeclaring(width: number, height: number, color: PngColor = "gray"): Uint8Array {
  return concatBytes([
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk("IHDR", ihdr(width, height, color)),
    pngChunk("IDAT", idatPayload(4, 4, CHANNELS[color], {})),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** An RGBA image (as decoded) encoded as an RGB PNG, for a PNG copy of a photo. */
export function rgbaToPng(
  image: { width: number; height: number; data: ArrayLike<number> },
): Uint8Array {
  const { width, data } = image;
  return synthPng(image.width, image.height, {
    color: "rgb",
    sample: (x, y, c) => data[(y * width + x) * 4 + c],
  });
}
