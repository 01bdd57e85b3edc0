/**
 * Turns 48x48 grayscale face crops into the model's input tensor values, as the model's
 * `fer-model.json` says (`x = pixel * scale + offset`). Pure: no Deno or DOM APIs, so the camera
 * page can reuse it for its in-browser mode.
 *
 * @module
 */
import type { InputSpec } from "../model/metadata.ts";

/** Number of bytes one face crop must have for `input`: width × height × channels. */
export function faceByteLength(input: InputSpec): number {
  return input.width * input.height * input.channels;
}

/**
 * Packs `faces` back to back into one `Float32Array` of shape `[faces.length, height, width,
 * channels]`, scaling each 0..255 byte.
 *
 * @throws {RangeError} when a face does not have exactly {@link faceByteLength} bytes.
 */
export function packFaceInput(faces: readonly Uint8Array[], input: InputSpec): Float32Array {
  const size = faceByteLength(input);
  const out = new Float32Array(faces.length * size);
  const { scale, offset } = input;
  for (let f = 0; f < faces.length; f++) {
    const face = faces[f];
    if (face.length !== size) {
      throw new RangeError(
        `face ${f} has ${face.length} bytes; a ${input.width}x${input.height}x${input.channels} ` +
          `face has ${size}`,
      );
    }
    const base = f * size;
    for (let i = 0; i < size; i++) out[base + i] = face[i] * scale + offset;
  }
  return out;
}

/**
 * Splits a buffer of faces stored back to back (the compact body of `POST /api/classify`) into
 * views of `faceBytes` each, without copying.
 *
 * @throws {RangeError} when the length is zero or not a multiple of `faceBytes`.
 */
export function splitFaces(bytes: Uint8Array, faceBytes: number): Uint8Array[] {
  if (bytes.length === 0 || bytes.length % faceBytes !== 0) {
    throw new RangeError(
      `expected a whole number of ${faceBytes}-byte faces, got ${bytes.length} bytes` +
        (bytes.length > 0
          ? ` (${Math.floor(bytes.length / faceBytes)} faces and ${
            bytes.length % faceBytes
          } bytes over)`
          : ""),
    );
  }
  const faces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += faceBytes) {
    faces.push(bytes.subarray(at, at + faceBytes));
  }
  return faces;
}
