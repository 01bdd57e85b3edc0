/**
 * The two BlazeFace variants shipped in `@mediapipe/face_detection`, with the anchor and decoding
 * parameters of MediaPipe's `face_detection_short_range.pbtxt` / `face_detection_full_range.pbtxt`.
 *
 * @module
 */

/** Anchor layout and box decoding for one BlazeFace model. */
export interface BlazeFaceConfig {
  /** Model file name in `@mediapipe/face_detection` and in `static/models/`. */
  file: string;
  /** Square input side in pixels. */
  inputSize: number;
  /** Feature-map strides, one per anchor layer (equal consecutive strides share one grid). */
  strides: number[];
  /** Anchors per grid cell contributed by each layer. */
  anchorsPerLayer: number;
  /** Number of anchors (= model output rows). */
  anchorCount: number;
  /** Divisor of the raw box/keypoint offsets (the input size). */
  boxScale: number;
  /** MediaPipe's default minimum score for this model. */
  minScore: number;
}

/** Short-range model: 128×128 input, faces within ~2 m of the camera (selfies, webcams). */
export const SHORT_RANGE: BlazeFaceConfig = {
  file: "face_detection_short_range.tflite",
  inputSize: 128,
  strides: [8, 16, 16, 16],
  anchorsPerLayer: 2,
  anchorCount: 896,
  boxScale: 128,
  minScore: 0.5,
};

/** Full-range model: 192×192 input, faces up to ~5 m away (group photos). */
export const FULL_RANGE: BlazeFaceConfig = {
  file: "face_detection_full_range.tflite",
  inputSize: 192,
  strides: [4],
  anchorsPerLayer: 1,
  anchorCount: 2304,
  boxScale: 192,
  minScore: 0.6,
};
