/**
 * Packages the BlazeFace models of `@mediapipe/face_detection` for this project: each gets the TFLite
 * metadata (RGB input, mean 127.5, std 127.5) that MediaPipe Tasks' FaceDetector requires, and is
 * written to `static/models/`, where both the camera page and the server load it.
 *
 * @module
 */
import {
  type BlazeFaceConfig,
  FULL_RANGE,
  SHORT_RANGE,
} from "../../src/detector/blazeface/config.ts";
import { addModelMetadata } from "./embed.ts";
import { buildImageModelMetadata, METADATA_NAME } from "./metadata.ts";
import { parseTflite } from "../../src/detector/tflite/model.ts";

/** The models that are packaged. */
export const PACKAGED_MODELS: readonly BlazeFaceConfig[] = [SHORT_RANGE, FULL_RANGE];

/** Where the source models live (the npm package, installed in node_modules). */
export const SOURCE_DIR = new URL("../../node_modules/@mediapipe/face_detection/", import.meta.url);

/** Where the packaged models go. */
export const OUTPUT_DIR = new URL("../../static/models/", import.meta.url);

/** Returns `model` with image-input metadata for `config`'s BlazeFace variant added. */
export function packageBlazeFace(model: Uint8Array, config: BlazeFaceConfig): Uint8Array {
  const parsed = parseTflite(model);
  const input = parsed.tensors[parsed.inputs[0]];
  const [, h, w, c] = input.shape;
  if (h !== config.inputSize || w !== config.inputSize || c !== 3) {
    throw new Error(
      `${config.file}: input ${input.shape} is not ${config.inputSize}x${config.inputSize}x3`,
    );
  }
  const metadata = buildImageModelMetadata({
    name: config.file.replace(/\.tflite$/, ""),
    description: `BlazeFace face detector, ${config.inputSize}x${config.inputSize} RGB input; ` +
      `${config.anchorCount} anchors x (16 box/keypoint regressors, 1 score logit).`,
    version: "v1",
    author: "Google (MediaPipe); metadata added by fer-edge",
    license: "Apache License 2.0, https://www.apache.org/licenses/LICENSE-2.0",
    inputName: input.name,
    width: w,
    height: h,
    mean: [127.5],
    std: [127.5],
  });
  return addModelMetadata(model, METADATA_NAME, metadata);
}
