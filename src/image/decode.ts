/**
 * Decodes JPEG, PNG and WebP bytes to RGBA pixels with the WebAssembly codecs of `@jsquash/*` (no
 * native addons, so it runs on Deno Deploy). The header is checked first: unsupported formats and
 * images over the pixel limit are refused before any decoding work.
 *
 * @module
 */
import { ImageInputError } from "./errors.ts";
import { type ImageFormat, sniffImageHeader } from "./sniff.ts";
import { applyOrientation, readJpegOrientation } from "./orientation.ts";

export { ImageInputError } from "./errors.ts";

/** Decoded pixels, row-major RGBA, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Options for {@link decodeImage}. */
export interface DecodeImageOptions {
  /** Largest accepted width × height; larger images get a 413. Defaults to {@link DEFAULT_MAX_PIXELS}. */
  maxPixels?: number;
  /**
   * The declared media type (e.g. an HTTP `Content-Type`). An `image/*` type other than JPEG, PNG or
   * WebP is refused with 415; otherwise the bytes' signature decides the format, as browsers do.
   */
  contentType?: string;
  /** Rotate/flip JPEGs as their EXIF orientation says, as browsers do (default true). */
  applyExifOrientation?: boolean;
}

/** Default pixel limit: 4096 × 4096 (64 MiB of RGBA). */
export const DEFAULT_MAX_PIXELS = 4096 * 4096;

const SUPPORTED_TYPES = new Set(["image/jpeg", "image/jpg", "image/png", "image/webp"]);

type Decoder = (buffer: ArrayBuffer) => Promise<ImageData>;

// Codecs are imported on first use so that a process only loads the wasm it needs.
const decoders: Record<ImageFormat, () => Promise<Decoder>> = {
  jpeg: async () => (await import("@jsquash/jpeg/decode.js")).default,
  png: async () => {
    const { decode } = await import("@jsquash/png/decode.js");
    return (buffer) => decode(buffer);
  },
  webp: async () => (await import("@jsquash/webp/decode.js")).default,
};

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
 * Decodes an image to RGBA.
 *
 * @throws {ImageInputError} 400 empty, 413 over `maxPixels`, 415 unsupported format, 422 zero-sized or
 * corrupt image.
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: DecodeImageOptions = {},
): Promise<RgbaImage> {
  checkContentType(options.contentType);
  const header = sniffImageHeader(bytes);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (header.width <= 0 || header.height <= 0) {
    throw new ImageInputError(
      422,
      "invalid_dimensions",
      `the ${header.format} header gives an empty size ${header.width}x${header.height}`,
    );
  }
  if (header.width * header.height > maxPixels) {
    throw new ImageInputError(
      413,
      "image_too_large",
      `the image is ${header.width}x${header.height} (${header.width * header.height} pixels); ` +
        `the limit is ${maxPixels} pixels`,
    );
  }
  const decode = await decoders[header.format]();
  // The codecs want a standalone ArrayBuffer; copy so a view into a larger buffer is safe.
  const buffer = bytes.slice().buffer;
  let decoded;
  try {
    decoded = await decode(buffer);
  } catch (error) {
    throw new ImageInputError(
      422,
      "undecodable_image",
      `the ${header.format} image could not be decoded: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!decoded || decoded.width !== header.width || decoded.height !== header.height) {
    throw new ImageInputError(
      422,
      "undecodable_image",
      `the ${header.format} image could not be decoded to its declared ${header.width}x${header.height}`,
    );
  }
  const image: RgbaImage = {
    width: decoded.width,
    height: decoded.height,
    // The 8-bit codecs return Uint8ClampedArray data; view it without copying.
    data: new Uint8ClampedArray(
      decoded.data.buffer as ArrayBuffer,
      decoded.data.byteOffset,
      decoded.data.length,
    ),
  };
  if (header.format !== "jpeg" || options.applyExifOrientation === false) return image;
  return applyOrientation(image, readJpegOrientation(bytes));
}
