/**
 * Edits of an existing JPEG for the fuzzer: find its segments (with the server's own walker,
 * `src/image/jpeg_segments.ts`), make its frame header lie about the size, plant an invalid marker
 * in its scan data, or drop the scan data.
 *
 * @module
 */
import { isStartOfFrame, readJpegSegments } from "../../src/image/jpeg_segments.ts";

/** Offset of the first byte of entropy-coded data (just past the first SOS header), or -1. */
export function scanStart(bytes: Uint8Array): number {
  const { segments, end } = readJpegSegments(bytes);
  return end === "scan" ? segments[segments.length - 1].end : -1;
}

/** A copy of `jpeg` whose frame header declares `width`x`height` (the scan data is unchanged). */
export function withFrameSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const sof = readJpegSegments(jpeg).segments.find((s) => isStartOfFrame(s.marker))?.offset ?? -1;
  if (sof < 0) throw new Error("no frame header before the scan");
  const out = jpeg.slice();
  out[sof + 5] = height >> 8;
  out[sof + 6] = height & 255;
  out[sof + 7] = width >> 8;
  out[sof + 8] = width & 255;
  return out;
}

/**
 * A copy of `jpeg` with the two bytes at `offset` into its scan data replaced by `FF marker`: an
 * unsupported marker (0x02..0xBF) there makes libjpeg stop with a fatal error.
 */
export function withScanMarker(jpeg: Uint8Array, offset: number, marker: number): Uint8Array {
  const start = scanStart(jpeg);
  if (start < 0) throw new Error("no scan data");
  const at = Math.min(start + offset, jpeg.length - 4);
  const out = jpeg.slice();
  out[at] = 0xff;
  out[at + 1] = marker;
  return out;
}

/**
 * `jpeg` cut after `keep` bytes of scan data and closed with an end-of-image marker (`keep` 0: SOS
 * then EOI, no scan data at all).
 */
export function withScanCut(jpeg: Uint8Array, keep: number): Uint8Array {
  const start = scanStart(jpeg);
  if (start < 0) throw new Error("no scan data");
  let end = Math.min(start + keep, jpeg.length - 2);
  // Never leave a lone FF (the first half of a marker) before the EOI.
  if (end > start && jpeg[end - 1] === 0xff) end--;
  const out = new Uint8Array(end + 2);
  out.set(jpeg.subarray(0, end));
  out.set([0xff, 0xd9], end);
  return out;
}
