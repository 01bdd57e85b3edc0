/**
 * Pre-processing for BlazeFace on tfjs: cut square windows out of an RGBA image, area-average each
 * to the model's input size, and scale to [-1, 1] (MediaPipe's mean 127.5 / std 127.5).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { RgbaImage } from "../../face.ts";
import { resizeArea, type SourceRect } from "../../image/resize.ts";

/**
 * A batch `[windows.length, size, size, 3]` of normalised RGB crops. Window parts outside the image
 * are black, as MediaPipe's letterboxing.
 */
export function windowsToInput(image: RgbaImage, windows: SourceRect[], size: number): tf.Tensor4D {
  const batch = new Float32Array(windows.length * size * size * 3);
  const source = { width: image.width, height: image.height, channels: 4, data: image.data };
  windows.forEach((window, i) => {
    const resized = resizeArea(source, window, size, size, { channels: 3, fill: 0 });
    const offset = i * size * size * 3;
    for (let k = 0; k < resized.data.length; k++) {
      batch[offset + k] = resized.data[k] / 127.5 - 1;
    }
  });
  return tf.tensor4d(batch, [windows.length, size, size, 3]);
}
