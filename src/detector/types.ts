/**
 * The face-detector contract every runtime implements; the server routes and the camera page code
 * against these types only.
 *
 * @module
 */
import type { DetectedFace, RgbaImage } from "../face.ts";

/** A face and its box; the types belong to the face contract (`src/face.ts`). */
export type { DetectedFace, FaceBox } from "../face.ts";

/** Finds faces in decoded images. */
export interface FaceDetector {
  /** Faces in `image`, highest score first. */
  detect(image: RgbaImage): Promise<DetectedFace[]>;
  /** Frees model weights; the detector must not be used afterwards. */
  dispose(): void;
}
