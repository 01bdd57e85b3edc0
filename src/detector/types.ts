/**
 * The face-detector contract every runtime implements; the server routes and the camera page code
 * against these types only.
 *
 * @module
 */
import type { RgbaImage } from "../image/decode.ts";

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

/** Finds faces in decoded images. */
export interface FaceDetector {
  /** Faces in `image`, highest score first. */
  detect(image: RgbaImage): Promise<DetectedFace[]>;
  /** Frees model weights; the detector must not be used afterwards. */
  dispose(): void;
}
