/**
 * The one JPEG marker-segment walker: header sniffing, EXIF orientation, the completeness check
 * (headers, entropy-coded data and the segments between scans) and the fuzzer's JPEG edits all read
 * a JPEG's structure through it, so they agree on fill bytes, standalone markers, segment lengths
 * and where the image data starts.
 *
 * A JPEG is `FFD8` followed by segments, each a marker `FF xx` (any number of `FF` fill bytes may
 * precede it) and, except for standalone markers, a big-endian length that counts itself. The first
 * start-of-scan (`FFDA`) header is followed by entropy-coded data, which the walker does not enter.
 *
 * @example
 * ```ts
 * const { segments, end } = readJpegSegments(bytes);
 * const frame = segments.find((s) => isStartOfFrame(s.marker));
 * ```
 *
 * @module
 */

/** Start of image. */
export const SOI = 0xd8;
/** End of image. */
export const EOI = 0xd9;
/** Start of scan: entropy-coded data follows its header. */
export const SOS = 0xda;
/** APP1, which holds EXIF. */
export const APP1 = 0xe1;

/** One marker segment. */
export interface JpegSegment {
  /** The marker's second byte, e.g. `0xc0` for a baseline frame header. */
  marker: number;
  /** Offset of the marker's `FF` byte (after any fill bytes). */
  offset: number;
  /** Offset of the payload (after the length field); equals `end` for standalone markers. */
  start: number;
  /** Offset just past the payload; never past the end of the bytes. */
  end: number;
}

/** Why the walk stopped. */
export type JpegWalkEnd =
  /** At the first start-of-scan header (its segment is the last one listed, and whole). */
  | "scan"
  /** At an end-of-image marker before any scan. */
  | "eoi"
  /** The bytes ran out inside the headers. */
  | "truncated"
  /** A byte where a marker must be is not `FF`, or a length is impossible. */
  | "corrupt";

/** The segments from after the SOI marker to the first scan header, and why the walk stopped. */
export interface JpegSegments {
  segments: JpegSegment[];
  end: JpegWalkEnd;
}

/** Markers that carry no length: TEM, RST0..RST7, SOI and EOI. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/** Start-of-frame markers (baseline, extended, progressive, lossless, arithmetic); not DHT/JPG/DAC. */
export function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 &&
    marker !== 0xcc;
}

/** Whether `bytes` start like a JPEG (SOI, then the `FF` of the next marker). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/** {@link readSegmentAt}'s answer: the segment (clamped to the bytes) and whether it is all there. */
export type JpegSegmentRead = { segment: JpegSegment; whole: boolean } | "truncated" | "corrupt";

/**
 * Reads the one segment whose marker's `FF` is at `markerAt` (after any fill bytes): standalone
 * markers have no payload, the others a big-endian length that counts itself and must be >= 2.
 * `truncated` when the bytes end inside the marker or its length, `corrupt` for a stuffed `FF00`
 * or an impossible length.
 */
export function readSegmentAt(bytes: Uint8Array, markerAt: number): JpegSegmentRead {
  if (markerAt + 1 >= bytes.length) return "truncated";
  const marker = bytes[markerAt + 1];
  if (marker === 0x00) return "corrupt"; // a stuffed byte is not a marker
  if (isStandalone(marker)) {
    return {
      segment: { marker, offset: markerAt, start: markerAt + 2, end: markerAt + 2 },
      whole: true,
    };
  }
  if (markerAt + 4 > bytes.length) return "truncated";
  const length = (bytes[markerAt + 2] << 8) | bytes[markerAt + 3];
  if (length < 2) return "corrupt";
  const end = markerAt + 2 + length;
  const segment = {
    marker,
    offset: markerAt,
    start: markerAt + 4,
    end: Math.min(end, bytes.length),
  };
  return { segment, whole: end <= bytes.length };
}

/**
 * Walks the marker segments of a JPEG (whose first two bytes are SOI) up to and including the first
 * start-of-scan header. APPn segments are skipped whole, so an EXIF thumbnail's own markers are
 * never mistaken for the main image's.
 */
export function readJpegSegments(bytes: Uint8Array): JpegSegments {
  const segments: JpegSegment[] = [];
  let at = 2;
  while (true) {
    if (at >= bytes.length) return { segments, end: "truncated" };
    if (bytes[at] !== 0xff) return { segments, end: "corrupt" };
    let markerAt = at;
    while (markerAt + 1 < bytes.length && bytes[markerAt + 1] === 0xff) markerAt++; // fill bytes
    const read = readSegmentAt(bytes, markerAt);
    if (typeof read === "string") return { segments, end: read };
    const { segment, whole } = read;
    segments.push(segment);
    if (segment.marker === EOI) return { segments, end: "eoi" };
    if (!whole) return { segments, end: "truncated" };
    if (segment.marker === SOS) return { segments, end: "scan" };
    at = segment.end;
  }
}

/**
 * Skips entropy-coded data (and stray bytes between segments) from `at`: the offset of the next
 * marker's `FF` (`bytes.length` when there is none) and how many data bytes came before it. `FF00`
 * is a stuffed data byte, `FFD0`..`FFD7` are restart markers inside the data, and `FF` may be
 * repeated as fill, as before any marker.
 */
export function skipEntropyCodedData(
  bytes: Uint8Array,
  at: number,
): { markerAt: number; dataBytes: number } {
  let dataBytes = 0;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) {
      at++;
      dataBytes++;
      continue;
    }
    const next = bytes[at + 1];
    if (next === 0x00) {
      at += 2;
      dataBytes++;
    } else if (next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
      at += next === 0xff ? 1 : 2;
    } else {
      return { markerAt: at, dataBytes };
    }
  }
  return { markerAt: bytes.length, dataBytes };
}
