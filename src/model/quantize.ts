/**
 * Weight quantization in TensorFlow.js's own format: the `quantization` entry of a weights manifest
 * (`{dtype: "uint8", min, scale}` affine per tensor, or `{dtype: "float16"}`) that
 * `tf.io.decodeWeights` — and therefore `tf.loadLayersModel` — dequantizes on load.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Quantization } from "./metadata.ts";

/** One weight as it goes into a manifest and a shard. */
export interface EncodedWeight {
  /** Manifest entry for the weight. */
  spec: tf.io.WeightsManifestEntry;
  /** The bytes of the weight in the shard. */
  bytes: Uint8Array;
}

/** Encodes a float32 weight with the given quantization. */
export function encodeWeight(
  name: string,
  shape: number[],
  values: Float32Array,
  quantization: Quantization,
): EncodedWeight {
  if (quantization === "none") {
    return {
      spec: { name, shape, dtype: "float32" },
      bytes: new Uint8Array(values.slice().buffer),
    };
  }
  if (quantization === "float16") {
    const halves = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) halves[i] = float32ToFloat16Bits(values[i]);
    return {
      spec: { name, shape, dtype: "float32", quantization: { dtype: "float16" } },
      bytes: new Uint8Array(halves.buffer),
    };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0) min = max = 0;
  // Nudge the range so that 0 is exactly representable: zero-padded and zero-initialised weights
  // (and biases that training left at 0) stay exactly 0 after dequantization.
  min = Math.min(min, 0);
  max = Math.max(max, 0);
  const scale = max > min ? (max - min) / 255 : 1;
  const zeroPoint = Math.round(-min / scale);
  min = -zeroPoint * scale;
  const quantized = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i] - min) / scale);
    quantized[i] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return {
    spec: { name, shape, dtype: "float32", quantization: { dtype: "uint8", min, scale } },
    bytes: quantized,
  };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Converts a float32 to IEEE-754 half-precision bits, rounding to nearest even. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> signed zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1))) half++;
  e = half; // carry from rounding may bump the exponent, which is the correct result
  return sign | e;
}
