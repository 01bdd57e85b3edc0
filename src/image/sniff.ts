/**
 * Reads an image's format and dimensions from its first bytes, without decoding pixels, so that
 * oversized or unsupported inputs are refused before any memory is spent on them.
 *
 * @module
 */
import { ImageInputError } from "./errors.ts";
import { readJpegFrame } from "./jpeg_frame.ts";
import { isJpeg } from "./jpeg_segments.ts";
import { PNG_SIGNATURE } from "./png_bytes.ts";

/** Image formats the project decodes. */
export type ImageFormat = "jpeg" | "png" | "webp";

/** What the header says about an image. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

function truncated(format: ImageFormat): ImageInputError {
  return new ImageInputError(
    422,
    "undecodable_image",
    `the ${format} header is truncated or corrupt`,
  );
}

function sniffPng(bytes: Uint8Array): ImageHeader {
  // Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4).
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== "IHDR") throw truncated("png");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { format: "png", width: view.getUint32(16), height: view.getUint32(20) };
}

function sniffJpeg(bytes: Uint8Array): ImageHeader {
  const frame = readJpegFrame(bytes);
  if (!frame) throw truncated("jpeg");
  return { format: "jpeg", width: frame.width, height: frame.height };
}

function sniffWebp(bytes: Uint8Array): ImageHeader {
  if (bytes.length < 30) throw truncated("webp");
  const chunk = ascii(bytes, 12, 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (chunk === "VP8 ") {
    // Lossy: frame tag (3) + start code 9d 01 2a, then 14-bit width and height.
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) throw truncated("webp");
    return {
      format: "webp",
      width: view.getUint16(26, true) & 0x3fff,
      height: view.getUint16(28, true) & 0x3fff,
    };
  }
  if (chunk === "VP8L") {
    // Lossless: signature 0x2f, then 14 bits width-1 and 14 bits height-1.
    if (bytes[20] !== 0x2f) throw truncated("webp");
    const bits = view.getUint32(21, true);
    return { format: "webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    // Extended: 24-bit canvas width-1 and height-1 at offsets 24 and 27.
    const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
    const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
    return { format: "webp", width, height };
  }
  throw truncated("webp");
}

/**
 * Identifies a JPEG, PNG or WebP image and reads its dimensions from the header.
 *
 * @throws {ImageInputError} 400 for empty input, 415 for other formats, 422 for a corrupt header.
 */
export function sniffImageHeader(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new ImageInputError(400, "empty_image", "the image is empty");
  if (startsWith(bytes, PNG_SIGNATURE)) return sniffPng(bytes);
  if (isJpeg(bytes)) return sniffJpeg(bytes);
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") {
    return sniffWebp(bytes);
  }
  throw new ImageInputError(
    415,
    "unsupported_format",
    "the image is not JPEG, PNG or WebP (unrecognised file signature)",
  );
}
