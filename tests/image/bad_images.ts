/**
 * Inputs that broke the decoder or the detector, made from valid images in the test: JPEGs that
 * make mozjpeg `exit(1)` without a header check catching them, incomplete JPEGs that still end in
 * `FFD9`, PNGs with a valid chunk structure around corrupt image data, and thin PNGs.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk } from "../../src/image/png_bytes.ts";

import { readJpegSegments, SOS } from "../../src/image/jpeg_segments.ts";

/** Words of codec internals that must never reach a client. */
export const INTERNALS = /exit\(|unwrap_throw|unreachable|out of bounds|RuntimeError|Aborted/i;

/** The face fixture (640x480, progressive, EXIF). */
export function faceJpeg(): Promise<Uint8Array> {
  return Deno.readFile(new URL("../e2e/fixtures/face.jpg", import.meta.url));
}

/** The committed 64x64 CMYK JPEG. */
export function cmykJpeg(): Promise<Uint8Array> {
  return Deno.readFile(new URL("../fixtures/cmyk.jpg", import.meta.url));
}

function segment(jpeg: Uint8Array, marker: number) {
  const found = readJpegSegments(jpeg).segments.find((s) => s.marker === marker);
  if (!found) throw new Error(`no marker ${marker.toString(16)}`);
  return found;
}

/**
 * `jpeg` with its first Huffman table's code counts all 0xff: libjpeg stops with "Bogus Huffman
 * table definition" and `exit(1)`. The header is otherwise valid, so only isolation helps.
 */
export function bogusHuffmanJpeg(jpeg: Uint8Array): Uint8Array {
  const out = jpeg.slice();
  const dht = segment(out, 0xc4);
  out.fill(0xff, dht.start + 1, dht.start + 17);
  return out;
}

/** `jpeg` with the frame header's byte at `offset` (0 precision, 3..4 width) replaced. */
export function patchFrame(jpeg: Uint8Array, offset: number, ...values: number[]): Uint8Array {
  const out = jpeg.slice();
  const frame = readJpegSegments(out).segments.find((s) => s.marker >= 0xc0 && s.marker <= 0xc2)!;
  out.set(values, frame.start + offset);
  return out;
}

/** `jpeg` with an EXIF APP1 segment giving `orientation` inserted after SOI. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  // Big-endian TIFF header, one IFD entry: tag 0x0112 (orientation), SHORT, count 1.
  const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation];
  const payload = [...new TextEncoder().encode("Exif\0\0"), ...tiff, 0, 0, 0, 0, 0, 0];
  const length = payload.length + 2;
  const app1 = [0xff, 0xe1, length >> 8, length & 0xff, ...payload];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

/** `jpeg` with its frame marker (SOF0..SOF2) changed to `marker`, e.g. 0xc3 (lossless). */
export function withFrameMarker(jpeg: Uint8Array, marker: number): Uint8Array {
  const out = jpeg.slice();
  const frame = readJpegSegments(out).segments.find((s) => s.marker >= 0xc0 && s.marker <= 0xc2)!;
  out[frame.offset + 1] = marker;
  return out;
}

/** `jpeg` cut right after its first scan header, then `FFD9`: a scan with no data. */
export function scanWithoutData(jpeg: Uint8Array): Uint8Array {
  const sos = segment(jpeg, SOS);
  return Uint8Array.from([...jpeg.subarray(0, sos.end), 0xff, 0xd9]);
}

/** `jpeg`'s headers before the first scan, then `FFD9`: no scan at all. */
export function headersOnly(jpeg: Uint8Array): Uint8Array {
  const sos = segment(jpeg, SOS);
  return Uint8Array.from([...jpeg.subarray(0, sos.offset), 0xff, 0xd9]);
}

/** `jpeg` with its first scan (header and data) repeated `times` more times after itself. */
export function repeatFirstScan(jpeg: Uint8Array, times: number): Uint8Array {
  const sos = segment(jpeg, SOS);
  let end = sos.end; // the scan's data runs to the next marker that is not RSTn or a stuffed 00
  while (!(jpeg[end] === 0xff && jpeg[end + 1] !== 0 && (jpeg[end + 1] & 0xf8) !== 0xd0)) end++;
  const scan = jpeg.subarray(sos.offset, end);
  const out = new Uint8Array(jpeg.length + scan.length * times);
  out.set(jpeg.subarray(0, end));
  for (let i = 0; i < times; i++) out.set(scan, end + i * scan.length);
  out.set(jpeg.subarray(end), end + times * scan.length);
  return out;
}

/** `jpeg` cut at `fraction` of its length inside the scan data, with `FFD9` appended. */
export function cutWithEnd(jpeg: Uint8Array, fraction: number): Uint8Array {
  const at = Math.floor(jpeg.length * fraction);
  const cut = jpeg[at - 1] === 0xff ? at - 1 : at;
  return Uint8Array.from([...jpeg.subarray(0, cut), 0xff, 0xd9]);
}

/** A PNG from a signature, an IHDR and the given zlib stream as one IDAT. */
export function pngWithData(
  width: number,
  height: number,
  colorType: number,
  zlib: Uint8Array,
): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, colorType, 0, 0, 0], 8);
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk("IHDR", header),
    pngChunk("IDAT", zlib),
    pngChunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The filtered rows (filter 0) of a `width`x`height` RGBA image of a few stripes. */
function rgbaRows(width: number, height: number): Uint8Array {
  const rows = new Uint8Array((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (width * 4 + 1) + 1;
    rows.fill((y >> 4) * 40, at, at + width * 4);
  }
  return rows;
}

/** A valid RGBA PNG of horizontal stripes (compresses well, so large sizes stay small). */
export function stripesPng(width: number, height: number): Uint8Array {
  return pngWithData(width, height, 6, new Uint8Array(deflateSync(rgbaRows(width, height))));
}

/**
 * An RGBA PNG whose chunks are all valid but whose zlib stream is broken (its first deflate block
 * has the reserved type 3): the old wasm decoder had already allocated the whole output (64 MiB at
 * 4096x4096) when it failed, and leaked it.
 */
export function corruptStripesPng(width: number, height: number): Uint8Array {
  const zlib = new Uint8Array(deflateSync(rgbaRows(width, height)));
  zlib[2] |= 0x07; // BFINAL 1, BTYPE 11
  return pngWithData(width, height, 6, zlib);
}

/** A white `width`x`height` grey PNG, as small as `convert -size WxH xc:white` makes it. */
export function whitePng(width: number, height: number): Uint8Array {
  const rows = new Uint8Array((width + 1) * height).fill(255);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter type: none
  return pngWithData(width, height, 0, new Uint8Array(deflateSync(rows, { level: 9 })));
}
