/**
 * The chunk layer of PNG: the signature, the header (IHDR), the palette (PLTE), transparency (tRNS)
 * and the compressed image data (IDAT), with CRCs of the critical chunks checked. Other chunks
 * (colour profiles, text, animation) are skipped, as `@jsquash/png` and browsers without colour
 * management do. IDAT's CRC is not computed: the zlib stream inside carries its own checksum of the
 * image data, which inflating verifies, and CRC-32 in JS would cost ~0.1 s for a 4096x4096 image.
 *
 * @module
 */
import { crc32, PNG_SIGNATURE } from "./png_bytes.ts";

/** A PNG that cannot be decoded; the message says why in plain words. */
export class PngError extends Error {
  /** Creates the error with a message for the client. */
  constructor(message: string) {
    super(message);
    this.name = "PngError";
  }
}

/** What IHDR says, plus the colour chunks. */
export interface PngInfo {
  width: number;
  height: number;
  /** Bits per sample: 1, 2, 4, 8 or 16. */
  bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number;
  /** Adam7 interlacing. */
  interlaced: boolean;
  /** Palette as RGBA, 4 bytes an entry (alpha from tRNS), for colour type 3. */
  palette?: Uint8Array;
  /** The grey or RGB sample values (at the image's bit depth) that are transparent, from tRNS. */
  transparent?: number[];
  /** The IDAT chunks' payloads, in order. */
  data: Uint8Array[];
}

/** Bit depths each colour type allows. */
const DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

/** Samples a pixel: grey 1, RGB 3, palette index 1, grey + alpha 2, RGBA 4. */
export const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const text = (bytes: Uint8Array) => String.fromCharCode(...bytes);

function readHeader(payload: Uint8Array): Omit<PngInfo, "data"> {
  if (payload.length !== 13) throw new PngError("the PNG header chunk has the wrong length");
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const [bitDepth, colorType, compression, filter, interlace] = payload.subarray(8);
  const info = {
    width: view.getUint32(0),
    height: view.getUint32(4),
    bitDepth,
    colorType,
    interlaced: interlace === 1,
  };
  if (!DEPTHS[colorType]?.includes(bitDepth)) {
    throw new PngError(
      `the PNG header gives an invalid colour type ${colorType} / depth ${bitDepth}`,
    );
  }
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw new PngError("the PNG header names an unknown compression, filter or interlace method");
  }
  return info;
}

function readPalette(payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length % 3 !== 0 || payload.length > 768) {
    throw new PngError("the PNG palette has an invalid length");
  }
  const entries = payload.length / 3;
  const palette = new Uint8Array(256 * 4); // indices past the palette read as opaque black
  for (let i = 0; i < 256; i++) palette[i * 4 + 3] = 255;
  for (let i = 0; i < entries; i++) palette.set(payload.subarray(i * 3, i * 3 + 3), i * 4);
  return palette;
}

function applyTransparency(info: Omit<PngInfo, "data">, payload: Uint8Array): void {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  if (info.colorType === 3 && info.palette) {
    for (let i = 0; i < Math.min(payload.length, 256); i++) info.palette[i * 4 + 3] = payload[i];
  } else if (info.colorType === 0 && payload.length >= 2) {
    info.transparent = [view.getUint16(0)];
  } else if (info.colorType === 2 && payload.length >= 6) {
    info.transparent = [view.getUint16(0), view.getUint16(2), view.getUint16(4)];
  }
  // tRNS is not allowed for colour types 4 and 6, which carry alpha; it is ignored there.
}

/**
 * Reads the chunks of a PNG file.
 *
 * @throws {PngError} for a missing signature or header, a CRC mismatch in IHDR or PLTE, a
 * chunk that runs past the end, a palette image without a palette, or no image data.
 */
export function readPngChunks(bytes: Uint8Array): PngInfo {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new PngError("the file is not a PNG");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Omit<PngInfo, "data"> | undefined;
  const data: Uint8Array[] = [];
  let at = 8;
  while (true) {
    if (at + 8 > bytes.length) {
      if (data.length > 0) break; // a missing IEND is tolerated, as browsers do
      throw new PngError("the PNG is truncated before its image data");
    }
    const length = view.getUint32(at);
    const type = text(bytes.subarray(at + 4, at + 8));
    const end = at + 8 + length;
    if (end + 4 > bytes.length) {
      throw new PngError(`the PNG is truncated inside its ${type.replace(/[^ -~]/g, "?")} chunk`);
    }
    const payload = bytes.subarray(at + 8, end);
    if (
      (type === "IHDR" || type === "PLTE") &&
      crc32(bytes.subarray(at + 4, end)) !== view.getUint32(end)
    ) {
      throw new PngError(`the PNG's ${type} chunk is corrupt (CRC mismatch)`);
    }
    if (!header && type !== "IHDR") throw new PngError("the PNG does not start with its header");
    if (type === "IHDR") {
      if (header) throw new PngError("the PNG has two headers");
      header = readHeader(payload);
    } else if (type === "PLTE") {
      header!.palette = readPalette(payload);
    } else if (type === "tRNS") {
      applyTransparency(header!, payload);
    } else if (type === "IDAT") {
      data.push(payload);
    } else if (type === "IEND") {
      break;
    }
    at = end + 4;
  }
  if (!header) throw new PngError("the PNG has no header");
  if (header.colorType === 3 && !header.palette) throw new PngError("the PNG has no palette");
  if (data.length === 0) throw new PngError("the PNG has no image data");
  return { ...header, data };
}
