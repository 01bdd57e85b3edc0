/**
 * Edits of an existing JPEG for the fuzzer: find its segments, make its frame header lie about the
 * size, plant an invalid marker in its scan data, or drop the scan data.
 *
 * @module
 */

/** Offset of the first marker `match` accepts before the scan data, or -1. */
function findMarker(bytes: Uint8Array, match: (marker: number) => boolean): number {
  let at = 2;
  while (at + 3 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (match(marker)) return at;
    if (marker === 0xda || marker === 0xd9) return -1;
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return -1;
}

const isStartOfFrame = (m: number) =>
  m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** Offset of the first byte of entropy-coded data (just past the first SOS header), or -1. */
export function scanStart(bytes: Uint8Array): number {
  const sos = findMarker(bytes, (m) => m === 0xda);
  return sos < 0 ? -1 : sos + 2 + ((bytes[sos + 2] << 8) | bytes[sos + 3]);
}

/** A copy of `jpeg` whose frame header declares `width`x`height` (the scan data is unchanged). */
export function withFrameSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const sof = findMarker(jpeg, isStartOfFrame);
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
