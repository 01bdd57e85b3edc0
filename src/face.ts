/**
 * The face contract: what the detector, the crop, the classifier, the camera page and training agree
 * a face is. A detector finds {@link DetectedFace}s (a {@link FaceBox}, a score, keypoints) in an
 * {@link RgbaImage}; the crop frames each box with {@link FER_FRAMING} and samples it to
 * {@link FER_SIZE}×{@link FER_SIZE} gray bytes; a model sees each byte times {@link PIXEL_SCALE} and
 * answers in its `labels` order: {@link FER_EMOTIONS} (7) for FER2013 models, `FERPLUS_EMOTIONS` (8,
 * contempt last) for FER+ ones.
 *
 * The values live in `static/js/face_contract.js`, which the page imports as it is (plain ES
 * modules cannot import TypeScript); this module re-exports them with the contract's types, so
 * there is one copy of each.
 *
 * @example
 * ```ts
 * import { FER_EMOTIONS, FER_PIXELS, type FaceBox } from "./face.ts";
 * const box: FaceBox = { x: 10, y: 20, width: 96, height: 96 };
 * const face = new Uint8Array(FER_PIXELS); // what cropFaceGray48(image, box) returns
 * ```
 *
 * @module
 */
import { FER_EMOTIONS } from "../static/js/face_contract.js";

export {
  checkLabels,
  displayName,
  FER_EMOTIONS,
  FER_FRAMING,
  FER_PIXELS,
  FER_SIZE,
  FERPLUS_EMOTIONS,
  labelSetOf,
  PIXEL_SCALE,
} from "../static/js/face_contract.js";

/** One FER2013 class name. */
export type Emotion = typeof FER_EMOTIONS[number];

/** A decoded image: `width × height` RGBA pixels, row-major, 4 bytes a pixel. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** An axis-aligned box in pixels of the source image (top-left corner plus size). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face: its box, a confidence in 0..1, and BlazeFace's six keypoints in source pixels
 * (right eye, left eye, nose tip, mouth, right ear tragion, left ear tragion; "right" = the
 * person's right). */
export interface DetectedFace {
  box: FaceBox;
  score: number;
  keypoints: { x: number; y: number }[];
}

/** How a detector box is turned into the crop window (the shape of {@link FER_FRAMING}). */
export interface FerFraming {
  /** Side of the square window relative to the box's larger side. */
  scale: number;
  /** Vertical shift of the window centre, in units of the box height (negative = up). */
  shiftY: number;
}
