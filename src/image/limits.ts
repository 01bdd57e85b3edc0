/**
 * What is checked from an image's header before any pixel is decoded: a size, a pixel count and an
 * aspect ratio the pipeline can afford, and for JPEGs a frame the decoder supports and a complete
 * structure. Each refusal costs microseconds; decoding the same image could cost seconds.
 *
 * @module
 */
import { ImageInputError } from "./errors.ts";
import { assertCompleteJpeg, maxJpegScans } from "./jpeg_complete.ts";
import { jpegFrameProblem, readJpegFrame } from "./jpeg_frame.ts";
import type { ImageHeader } from "./sniff.ts";

/** Default pixel limit: 4096 × 4096 (64 MiB of RGBA). */
export const DEFAULT_MAX_PIXELS = 4096 * 4096;

/**
 * Default longest-to-shortest side ratio: 50 (a 20x1000 strip). No photo is that thin (a phone
 * panorama is about 4:1, a long screenshot 10:1), and the ratio bounds the work that the pixel
 * count does not: every pass over rows or columns of a 1x16777216 PNG (32 KB, exactly at the pixel
 * limit) runs 16 million times. With the ratio at most 50, no side of an allowed image exceeds
 * 4096 x sqrt(50), about 29,000 pixels, so time and memory follow the pixel count.
 */
export const DEFAULT_MAX_ASPECT_RATIO = 50;

/** Limits for {@link checkImageHeader}. */
export interface ImageLimits {
  /** Largest width × height; larger images get a 413. */
  maxPixels: number;
  /** Largest longer-to-shorter side ratio; thinner images get a 422 `extreme_aspect_ratio`. */
  maxAspectRatio: number;
}

/**
 * Refuses, from the header alone, an image that is empty, too large, too thin, or (for JPEGs) of a
 * kind the decoder cannot decode or structurally incomplete.
 *
 * @throws {ImageInputError} 413 `image_too_large`, 422 `invalid_dimensions`,
 * `extreme_aspect_ratio` or `undecodable_image`.
 */
export function checkImageHeader(
  bytes: Uint8Array,
  header: ImageHeader,
  limits: ImageLimits,
): void {
  const { format, width, height } = header;
  if (width <= 0 || height <= 0) {
    throw new ImageInputError(
      422,
      "invalid_dimensions",
      `the ${format} header gives an empty size ${width}x${height}`,
    );
  }
  if (width * height > limits.maxPixels) {
    throw new ImageInputError(
      413,
      "image_too_large",
      `the image is ${width}x${height} (${width * height} pixels); ` +
        `the limit is ${limits.maxPixels} pixels`,
    );
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > limits.maxAspectRatio) {
    throw new ImageInputError(
      422,
      "extreme_aspect_ratio",
      `the image is ${width}x${height}, ${Math.round(ratio)} times as ${
        width > height ? "wide as high" : "high as wide"
      }; at most ${limits.maxAspectRatio}:1 is accepted`,
    );
  }
  if (format !== "jpeg") return;
  const frame = readJpegFrame(bytes);
  const problem = frame && jpegFrameProblem(frame);
  if (problem) throw new ImageInputError(422, "undecodable_image", problem);
  assertCompleteJpeg(bytes, maxJpegScans(width * height));
}
