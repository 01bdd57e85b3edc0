/**
 * Incomplete-upload check for JPEGs. libjpeg (inside `@jsquash/jpeg`) decodes a JPEG cut off after
 * its headers with only a warning, filling the missing rows with gray, so a half-uploaded photo
 * would be classified as if it were whole. This walks the marker segments to the main image's first
 * scan, and requires image data after the scan header and an end-of-image marker after that. (A cut
 * that still ends in `FFD9` is caught from the decoder's own warning, see `codec_jpeg.ts`.)
 *
 * @module
 */
import { ImageInputError } from "./errors.ts";
import { EOI, isJpeg, readJpegSegments } from "./jpeg_segments.ts";

/** Whether the bytes at `at` are a marker that ends a scan's entropy-coded data. */
function endsScanData(bytes: Uint8Array, at: number): boolean {
  if (bytes[at] !== 0xff) return false;
  const next = bytes[at + 1];
  // FF00 is a stuffed data byte and FFD0..FFD7 are restart markers inside the scan.
  return !(next === 0x00 || (next >= 0xd0 && next <= 0xd7));
}

function incomplete(bytes: Uint8Array, what: string): ImageInputError {
  return new ImageInputError(
    422,
    "undecodable_image",
    `the JPEG is incomplete: ${what} (${bytes.length} bytes received; was the upload cut short?)`,
  );
}

/**
 * Throws for a JPEG without a scan, with an empty first scan, or whose scan data is not followed by
 * an end-of-image marker. Data after the marker (e.g. the video of a "motion photo") is allowed.
 * Non-JPEG bytes pass unchecked.
 *
 * @throws {ImageInputError} 422 `undecodable_image` for an incomplete JPEG.
 */
export function assertCompleteJpeg(bytes: Uint8Array): void {
  if (!isJpeg(bytes)) return;
  const { segments, end } = readJpegSegments(bytes);
  if (end === "eoi") throw incomplete(bytes, "it ends before any image data");
  if (end !== "scan") throw incomplete(bytes, "its headers end without image data");
  const scan = segments[segments.length - 1].end;
  let dataEnd = scan;
  while (dataEnd + 1 < bytes.length && !endsScanData(bytes, dataEnd)) dataEnd++;
  if (dataEnd === scan) throw incomplete(bytes, "its first scan holds no image data");
  for (let i = dataEnd; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === EOI) return;
  }
  throw incomplete(bytes, "its image data ends without an end-of-image marker");
}
