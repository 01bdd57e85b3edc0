/**
 * Decodes JPEG, PNG and WebP bytes to RGBA pixels with the WebAssembly codecs of `@jsquash/*` (no
 * native addons, so it runs on Deno Deploy). The header is checked first: unsupported formats,
 * images over the pixel limit or too thin, and incomplete JPEGs are refused before any decoding
 * work. Each codec runs in a {@link CodecSlot}, so a failed decode never poisons the next one.
 *
 * @module
 */
import { ImageInputError } from "./errors.ts";
import { type ImageFormat, type ImageHeader, sniffImageHeader } from "./sniff.ts";
import { applyOrientation, readJpegOrientation } from "./orientation.ts";
import { checkImageHeader, DEFAULT_MAX_ASPECT_RATIO, DEFAULT_MAX_PIXELS } from "./limits.ts";
import { CodecError, CodecSlot, type CodecSlotStats, type DecodedPixels } from "./codec_slot.ts";
import { decodePng, PngError } from "./png_decode.ts";
import { createJpegInstance, createWebpInstance } from "./codec_emscripten.ts";
import type { RgbaImage } from "../face.ts";

export { ImageInputError } from "./errors.ts";
export { DEFAULT_MAX_ASPECT_RATIO, DEFAULT_MAX_PIXELS } from "./limits.ts";
/** What {@link decodeImage} returns; the type belongs to the face contract (`src/face.ts`). */
export type { RgbaImage } from "../face.ts";

/** Options for {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Largest accepted width × height; larger images get a 413. Defaults to {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
  /**
   * The declared media type (e.g. an HTTP `Content-Type`). An `image/*` type other than JPEG, PNG or
   * WebP is refused with 415; otherwise the bytes' signature decides the format, as browsers do.
   */
  contentType?: string;
  /**
   * Largest longer-to-shorter side ratio; thinner images get a 422 `extreme_aspect_ratio`.
   * Defaults to {@link DEFAULT_MAX_ASPECT_RATIO}.
   */
  maxAspectRatio?: number;
  /** Rotate/flip JPEGs as their EXIF orientation says, as browsers do (default true). */
  applyExifOrientation?: boolean;
}

const SUPPORTED_TYPES = new Set(["image/jpeg", "image/jpg", "image/png", "image/webp"]);

/** libjpeg warnings that mean image data is missing: the decoder filled the rest with gray. */
const MISSING_DATA_WARNINGS = [/premature end of jpeg file/i, /premature end of data segment/i];

/** The display name of a format, for messages. */
const FORMAT_NAMES: Record<ImageFormat, string> = { jpeg: "JPEG", png: "PNG", webp: "WebP" };

// One slot per wasm codec: an instance that failed is replaced before the next decode, and one
// whose heap grew big is dropped once idle.
// PNG is decoded in TypeScript (png_decode.ts), so it has no instance to poison.
const codecs: Record<"jpeg" | "webp", CodecSlot> = {
  jpeg: new CodecSlot("jpeg", createJpegInstance),
  webp: new CodecSlot("webp", createWebpInstance),
};

/** The wasm codecs' instance counters (created, failed, recycled), for health reports and tests. */
export function codecStats(): Record<"jpeg" | "webp", CodecSlotStats> {
  return { jpeg: codecs.jpeg.stats, webp: codecs.webp.stats };
}

/** Decodes a PNG; a failure is the PNG's fault and says so in plain words. */
async function decodePngImage(bytes: Uint8Array, header: ImageHeader): Promise<DecodedPixels> {
  try {
    return { ...(await decodePng(bytes)), warnings: [] };
  } catch (error) {
    if (error instanceof PngError) {
      throw new ImageInputError(422, "undecodable_image", error.message, { cause: error });
    }
    // Not a rule of the format: a defect here. Log it in full, but still refuse just this image.
    console.error(
      `decode: the PNG decoder failed on a ${header.width}x${header.height} image:`,
      error,
    );
    throw new ImageInputError(422, "undecodable_image", "the PNG image could not be decoded", {
      cause: error,
    });
  }
}

/** Decodes with a wasm codec; its own words for a failure go to the log, not to the client. */
async function decodeWithCodec(bytes: Uint8Array, header: ImageHeader): Promise<DecodedPixels> {
  const format = header.format as "jpeg" | "webp";
  try {
    return await codecs[format].decode(bytes);
  } catch (error) {
    if (!(error instanceof CodecError)) throw error;
    const printed = error.output.length > 0 ? `; it printed: ${error.output.join(" | ")}` : "";
    console.warn(
      `decode: the ${format} codec failed on a ${header.width}x${header.height} image ` +
        `(${bytes.length} bytes): ${error.message}${printed}; its instance was replaced`,
    );
    throw new ImageInputError(
      422,
      "undecodable_image",
      `the ${FORMAT_NAMES[format]} image could not be decoded: its data is corrupt or uses an ` +
        "unsupported feature",
      { cause: error },
    );
  }
}

function checkContentType(contentType: string | undefined): void {
  if (!contentType) return;
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type.startsWith("image/") && !SUPPORTED_TYPES.has(type)) {
    throw new ImageInputError(
      415,
      "unsupported_format",
      `${type} is not supported; send image/jpeg, image/png or image/webp`,
    );
  }
}

/**
 * Decodes an image to RGBA. The codec's own error text ("Program terminated with exit(1)",
 * "unreachable", ...) is logged once with `console.warn`, never put in the thrown message.
 *
 * @throws {ImageInputError} 400 empty, 413 over `maxPixels`, 415 unsupported format, 422 zero-sized,
 * too thin, incomplete, unsupported or corrupt image.
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeImageOptions = {},
): Promise<RgbaImage> {
  checkContentType(options.contentType);
  const header = sniffImageHeader(bytes);
  checkImageHeader(bytes, header, {
    maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
    maxAspectRatio: options.maxAspectRatio ?? DEFAULT_MAX_ASPECT_RATIO,
  });
  const name = FORMAT_NAMES[header.format];
  const decoded = header.format === "png"
    ? await decodePngImage(bytes, header)
    : await decodeWithCodec(bytes, header);
  if (decoded.warnings.some((line) => MISSING_DATA_WARNINGS.some((re) => re.test(line)))) {
    console.warn(`decode: refused a ${header.format} with missing data: ${decoded.warnings[0]}`);
    throw new ImageInputError(
      422,
      "undecodable_image",
      `the ${name} image is incomplete: part of its image data is missing (${bytes.length} ` +
        "bytes received; was the upload cut short?)",
    );
  }
  if (decoded.width !== header.width || decoded.height !== header.height) {
    throw new ImageInputError(
      422,
      "undecodable_image",
      `the ${name} image decodes to ${decoded.width}x${decoded.height}, not the ` +
        `${header.width}x${header.height} its header declares`,
    );
  }
  const image: RgbaImage = { width: decoded.width, height: decoded.height, data: decoded.data };
  if (header.format !== "jpeg" || options.applyExifOrientation === false) return image;
  return applyOrientation(image, readJpegOrientation(bytes));
}
