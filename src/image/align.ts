/**
 * The server's aligned face crop: the FER2013 framing of `crop.ts` turned so that the eyes are
 * level. The sampler is the page's own (`static/js/face_align.js`), so a face cropped by the server
 * and by the page gives the same bytes.
 *
 * @module
 */
import type { DetectedFace, RgbaImage } from "../face.ts";
import { cropAlignedGray48 } from "../../static/js/face_align.js";

export { alignedCropWindow, eyeAngle } from "../../static/js/face_align.js";

/**
 * The aligned 48×48 grayscale crop of `face` in `image` (2304 bytes, row-major). Without two eye
 * keypoints the square stays upright (but is sampled the aligned way).
 *
 * @example
 * ```ts
 * const [face] = await detector.detect(image);
 * const crop = cropAlignedFaceGray48(image, face); // eyes level
 * ```
 */
export function cropAlignedFaceGray48(
  image: RgbaImage,
  face: Pick<DetectedFace, "box" | "keypoints">,
): Uint8Array {
  return cropAlignedGray48(image, face);
}
