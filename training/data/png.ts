/**
 * A minimal PNG encoder for 8-bit grayscale images (FER2013 faces), so `deno task prepare --jpg`
 * can write viewable files without a wasm codec. Scanlines use filter 0 and are deflated with
 * `node:zlib`.
 *
 * @module
 */
import { deflateSync } from "node:zlib";
import { PNG_SIGNATURE, pngChunk } from "../../src/image/png_bytes.ts";

export { crc32 } from "../../src/image/png_bytes.ts";

/** Encodes a `width x height` row-major 8-bit grayscale image as PNG file bytes. */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) {
    throw new Error(`encodeGrayPng: ${pixels.length} pixels for ${width}x${height}`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: grayscale
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    pngChunk("IHDR", header),
    pngChunk("IDAT", new Uint8Array(deflateSync(raw))),
    pngChunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
