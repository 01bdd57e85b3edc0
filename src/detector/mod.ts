/**
 * Face detection: the {@link FaceDetector} contract and a factory that builds the server-side
 * detector (BlazeFace run with TensorFlow.js on the wasm backend).
 *
 * @module
 */
export type { DetectedFace, FaceBox, FaceDetector } from "./types.ts";
import type { FaceDetector } from "./types.ts";

/** Options for {@link createFaceDetector}. */
export interface FaceDetectorOptions {
  /** Minimum score for a face to be reported (0..1). */
  minScore?: number;
}

/** Loads the BlazeFace weights from disk and returns a ready detector. */
export function createFaceDetector(_options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  // Work in progress (issue 5): the tfjs-wasm runtime lands in src/detector/tfjs/.
  return Promise.reject(new Error("createFaceDetector: the server-side runtime is not built yet"));
}
