/**
 * A minimal baseline-JPEG writer for the fuzzer: flat mid-gray images of any declared size and
 * component count (1 = gray, 3 = YCbCr, 4 = CMYK), a few bytes per 8x8 block. It makes inputs a
 * photo encoder will not: 65535-px-wide frames, 1-px-thin strips, CMYK files, and scans cut short.
 *
 * Every block is coded as "DC difference 0, end of block" with one-code Huffman tables (code `0`
 * for both), so a block costs 2 bits a component and the scan holds no 0xFF bytes to stuff.
 *
 * @module
 */

/** Options for {@link synthJpeg}. */
export interface SynthJpegOptions {
  /** Components: 1 gray, 3 YCbCr, 4 CMYK (with an Adobe marker saying so). Default 3. */
  components?: 1 | 3 | 4;
  /** Write the scan data (default true); `false` gives SOS followed straight by EOI. */
  scan?: boolean;
}

const MARKER = 0xff;

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [MARKER, marker, length >> 8, length & 255, ...body];
}

/** Scan bytes for `blocks` blocks of `components` components: 2 zero bits each, padded with ones. */
function scanBytes(blocks: number, components: number): Uint8Array {
  const bits = blocks * components * 2;
  const out = new Uint8Array(Math.ceil(bits / 8));
  const spare = out.length * 8 - bits;
  // Padding bits after the last code must be ones (ITU T.81 F.1.2.3).
  if (spare > 0) out[out.length - 1] = (1 << spare) - 1;
  return out;
}

/**
 * A valid baseline JPEG of `width`x`height` flat mid-gray pixels (1..65535 each), no subsampling.
 *
 * @example
 * ```ts
 * const wide = synthJpeg(65535, 8); // a frame header wider than libjpeg's 65500 limit
 * const cmyk = synthJpeg(64, 48, { components: 4 });
 * ```
 */
export function synthJpeg(
  width: number,
  height: number,
  options: SynthJpegOptions = {},
): Uint8Array {
  if (!(width >= 1 && width <= 65535 && height >= 1 && height <= 65535)) {
    throw new RangeError(`a JPEG frame is 1..65535 px a side, not ${width}x${height}`);
  }
  const components = options.components ?? 3;
  const ids = Array.from({ length: components }, (_, i) => i + 1);
  const head: number[] = [MARKER, 0xd8];
  if (components === 4) {
    // Adobe APP14, transform 0: the components are CMYK as stored.
    head.push(...segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 0]));
  }
  head.push(...segment(0xdb, [0, ...new Array(64).fill(1)])); // table 0, all ones
  head.push(...segment(0xc0, [
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    components,
    ...ids.flatMap((id) => [id, 0x11, 0]),
  ]));
  // DC table 0 and AC table 0, each one code of length 1: DC category 0, AC end-of-block.
  const oneCode = [1, ...new Array(15).fill(0), 0];
  head.push(...segment(0xc4, [0x00, ...oneCode, 0x10, ...oneCode]));
  head.push(...segment(0xda, [components, ...ids.flatMap((id) => [id, 0x00]), 0, 63, 0]));
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const scan = options.scan === false ? new Uint8Array(0) : scanBytes(blocks, components);
  const out = new Uint8Array(head.length + scan.length + 2);
  out.set(head);
  out.set(scan, head.length);
  out.set([MARKER, 0xd9], head.length + scan.length);
  return out;
}
