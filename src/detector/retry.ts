/**
 * A {@link FaceDetector} that looks again when its first pass finds no face: the photo is drawn
 * with a margin on the retry canvases of `static/js/retry_canvas.js` (upright, then turned ±30°)
 * and a second detector, the short-range BlazeFace the page uses, looks at those. Faces found
 * there with the step's score are mapped back to the photo and clipped to it. A photo with a face pays nothing extra.
 *
 * @module
 */
import type { RgbaImage } from "../face.ts";
import { renderPlacement } from "../image/placement.ts";
import { faceToImage, retrySteps, suppressOverlaps } from "../../static/js/retry_canvas.js";
import type { DetectedFace, FaceDetector } from "./types.ts";

/** Runs `first`, and `retry` on the retry canvases when `first` finds nothing. */
export class RetryingFaceDetector implements FaceDetector {
  readonly #first: FaceDetector;
  readonly #retry: FaceDetector;

  /**
   * Takes ownership of both detectors (`dispose` frees both).
   *
   * @example
   * ```ts
   * const detector = new RetryingFaceDetector(fullRange, shortRange);
   * const faces = await detector.detect(tightCrop); // found on the padded canvas
   * ```
   */
  constructor(first: FaceDetector, retry: FaceDetector) {
    this.#first = first;
    this.#retry = retry;
  }

  /** Faces in `image`, highest score first; boxes of retried faces lie inside the image. */
  async detect(image: RgbaImage): Promise<DetectedFace[]> {
    const faces = await this.#first.detect(image);
    if (faces.length > 0) return faces;
    for (const { placements, minScore } of retrySteps(image.width, image.height)) {
      const found: DetectedFace[] = [];
      for (const placement of placements) {
        const canvas = renderPlacement(image, placement);
        for (const face of await this.#retry.detect(canvas)) {
          if (face.score < minScore) continue;
          const mapped = faceToImage(placement, face);
          if (mapped) found.push(mapped);
        }
      }
      if (found.length > 0) return suppressOverlaps(found);
    }
    return [];
  }

  /** Frees both detectors. */
  dispose(): void {
    this.#first.dispose();
    this.#retry.dispose();
  }
}
