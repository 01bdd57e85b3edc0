/**
 * Truncated-upload check for JPEGs. libjpeg (inside `@jsquash/jpeg`) decodes a JPEG cut off after
 * its headers with only a "Premature end of JPEG file" warning, filling the missing rows with gray,
 * so a half-uploaded photo would be classified as if it were whole. This walks the marker segments
 * to the main image's first scan and requires an end-of-image marker after it.
 *
 * @module
 */
import { ImageInputError } from "../image/errors.ts";

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** Offset just past the main image's first start-of-scan header, or -1 if the bytes end first. */
function firstScanOffset(bytes: Uint8Array): number {
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return -1;
    const marker = bytes[at + 1];
    if (marker === 0xff) { // fill byte before a marker
      at++;
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (at + 3 >= bytes.length) return -1;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // APPn segments (EXIF) are skipped whole, so a thumbnail's own markers are never mistaken for
    // the main image's.
    at += 2 + length;
    if (marker === SOS) return at <= bytes.length ? at : -1;
  }
  return -1;
}

/** Whether `bytes` start like a JPEG. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/**
 * Throws for a JPEG whose scan data is not followed by an end-of-image marker. Data after the
 * marker (e.g. the video of a "motion photo") is allowed. Non-JPEG bytes pass unchecked.
 *
 * @throws {ImageInputError} 422 `undecodable_image` for a truncated JPEG.
 */
export function assertCompleteJpeg(bytes: Uint8Array): void {
  if (!isJpeg(bytes)) return;
  const scan = firstScanOffset(bytes);
  if (scan >= 0) {
    for (let i = scan; i + 1 < bytes.length; i++) {
      if (bytes[i] === 0xff && bytes[i + 1] === EOI) return;
    }
  }
  throw new ImageInputError(
    422,
    "undecodable_image",
    "the JPEG is truncated: its image data ends without an end-of-image marker " +
      `(${bytes.length} bytes received; was the upload cut short?)`,
  );
}
