/**
 * Structure checks for JPEGs before decoding. libjpeg (inside `@jsquash/jpeg`) decodes a JPEG cut
 * off after its headers with only a warning, filling the missing rows with gray, so a half-uploaded
 * photo would be classified as if it were whole. This walks the whole file: the marker segments to
 * the first scan, then each scan's entropy-coded data and the segments between scans, and requires
 * image data in every scan and an end-of-image marker at the end. (A cut that still ends in `FFD9`
 * leaves a scan short, which the decoder's own warning reveals, see `decode.ts`.)
 *
 * It also bounds the number of scans: each scan of a progressive JPEG is another pass over the image
 * (~50 ms each at 4096x4096 here), so a small file with thousands of scans would stall the decoder
 * for minutes. The bound counts the work: scans x pixels, see {@link maxJpegScans}.
 *
 * @module
 */
import { ImageInputError } from "./errors.ts";
import {
  EOI,
  isJpeg,
  readJpegSegments,
  readSegmentAt,
  skipEntropyCodedData,
  SOS,
} from "./jpeg_segments.ts";

/** Scans x pixels allowed: 24 scans of a 4096x4096 image. Progressive encoders write about 10. */
export const JPEG_SCAN_PIXEL_BUDGET = 24 * 4096 * 4096;

/** Most scans for a JPEG of `pixels` pixels: the budget's share, at least 16 and at most 500. */
export function maxJpegScans(pixels: number): number {
  return Math.max(16, Math.min(500, Math.floor(JPEG_SCAN_PIXEL_BUDGET / Math.max(1, pixels))));
}

function incomplete(bytes: Uint8Array, what: string): ImageInputError {
  return new ImageInputError(
    422,
    "undecodable_image",
    `the JPEG is incomplete: ${what} (${bytes.length} bytes received; was the upload cut short?)`,
  );
}

/**
 * Throws for a JPEG without a scan, with a scan that holds no data, with more than `maxScans`
 * scans, or that ends without an end-of-image marker. Data after the marker
 * (e.g. the video of a "motion photo") is allowed. Non-JPEG bytes pass unchecked.
 *
 * @throws {ImageInputError} 422 `undecodable_image`.
 */
export function assertCompleteJpeg(bytes: Uint8Array, maxScans = 500): void {
  if (!isJpeg(bytes)) return;
  const { segments, end } = readJpegSegments(bytes);
  if (end === "eoi") throw incomplete(bytes, "it ends before any image data");
  if (end !== "scan") throw incomplete(bytes, "its headers end without image data");
  let at = segments[segments.length - 1].end;
  let scans = 1;
  let inScan = true;
  while (true) {
    const { markerAt, dataBytes } = skipEntropyCodedData(bytes, at);
    if (inScan && dataBytes === 0) {
      throw incomplete(bytes, `scan ${scans} holds no image data`);
    }
    if (markerAt + 1 >= bytes.length) {
      throw incomplete(bytes, "its image data ends without an end-of-image marker");
    }
    const type = bytes[markerAt + 1];
    if (type === EOI) return;
    const read = readSegmentAt(bytes, markerAt);
    if (read === "truncated") throw incomplete(bytes, "it ends inside a marker");
    if (read === "corrupt") {
      // The same rule as in the headers (readSegmentAt): a length under 2 cannot count itself.
      throw new ImageInputError(
        422,
        "undecodable_image",
        "the JPEG is corrupt: a marker segment between its scans has an impossible length",
      );
    }
    // A segment cut short ends the bytes: the next turn reports the missing data or end marker.
    at = read.segment.end;
    inScan = type === SOS;
    if (inScan && ++scans > maxScans) {
      throw new ImageInputError(
        422,
        "undecodable_image",
        `the JPEG has more than ${maxScans} scans, too many to decode at its size ` +
          "(progressive JPEGs have about 10)",
      );
    }
  }
}
