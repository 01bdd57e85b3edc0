/**
 * PNG's byte-level pieces, shared by the decoder (`png_chunks.ts`), the grayscale encoder of
 * `deno task prepare --jpg` (`training/data/png.ts`) and the test and fuzz image builders: the file
 * signature, CRC-32 and chunk framing.
 *
 * @example
 * ```ts
 * import { crc32, pngChunk } from "./png_bytes.ts";
 * crc32(new TextEncoder().encode("123456789")) === 0xcbf43926; // true
 * const end = pngChunk("IEND", new Uint8Array(0)); // 12 bytes
 * ```
 *
 * @module
 */

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: its length, 4-letter type, data, and the CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
