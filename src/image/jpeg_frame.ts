/**
 * A JPEG's frame header (SOFn): size, sample precision, colour components and coding process, and
 * which of those the decoder (mozjpeg, 8-bit, inside `@jsquash/jpeg`) cannot decode. mozjpeg ends
 * such files with `exit(1)`, so they are refused from the header instead of being fed to it.
 *
 * @module
 */
import { isStartOfFrame, readJpegSegments } from "./jpeg_segments.ts";

/** What a JPEG's frame header says. */
export interface JpegFrame {
  /** The SOFn marker's second byte: `0xc0` baseline, `0xc2` progressive, ... */
  marker: number;
  /** Bits per sample (8 for ordinary photos). */
  precision: number;
  width: number;
  height: number;
  /** Colour components: 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
}

/** libjpeg's JPEG_MAX_DIMENSION: larger frames are refused by the decoder. */
export const JPEG_MAX_DIMENSION = 65500;

/**
 * The main image's frame header, or `undefined` when the bytes end or break before one. Only the
 * first five payload bytes must be present (enough for the size), so a cut-off header still sizes.
 */
export function readJpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  const frame = readJpegSegments(bytes).segments.find((s) => isStartOfFrame(s.marker));
  if (!frame || frame.end - frame.start < 5) return undefined;
  const at = frame.start;
  return {
    marker: frame.marker,
    precision: bytes[at],
    height: (bytes[at + 1] << 8) | bytes[at + 2],
    width: (bytes[at + 3] << 8) | bytes[at + 4],
    components: frame.end - frame.start >= 6 ? bytes[at + 5] : 0,
  };
}

/**
 * Why the decoder cannot decode a JPEG with this frame, in words for the client, or `undefined`
 * when it can. Baseline, extended and progressive 8-bit grey or colour JPEGs (Huffman or
 * arithmetic coded) are decodable.
 */
export function jpegFrameProblem(frame: JpegFrame): string | undefined {
  const process = frame.marker & 0x03; // 0 sequential, 1 extended, 2 progressive, 3 lossless
  if ((frame.marker >= 0xc5 && frame.marker <= 0xc7) || frame.marker >= 0xcd) {
    return "hierarchical JPEGs are not supported";
  }
  if (process === 3) return "lossless JPEGs are not supported";
  if (frame.precision !== 8) {
    return `${frame.precision}-bit JPEGs are not supported; save it as an 8-bit JPEG`;
  }
  if (frame.components === 4) {
    return "CMYK JPEGs are not supported; save it as an RGB JPEG";
  }
  if (frame.components !== 1 && frame.components !== 3) {
    return `a JPEG with ${frame.components} colour components is not supported`;
  }
  if (frame.width > JPEG_MAX_DIMENSION || frame.height > JPEG_MAX_DIMENSION) {
    return `the JPEG is ${frame.width}x${frame.height}; sides over ${JPEG_MAX_DIMENSION} ` +
      "pixels are not supported";
  }
  return undefined;
}
