// @ts-check
/// <reference lib="dom" />
/**
 * Face detection in the browser with MediaPipe tasks-vision's FaceDetector, running the project's
 * own BlazeFace asset (`/models/`, with TFLite metadata added by `deno task build:detector`) and the
 * wasm files served by this app under `/vendor/tasks-vision/`.
 *
 * @module
 */

import { faceToImage, placementMatrix, retrySteps, suppressOverlaps } from "./retry_canvas.js";

/** The packaged short-range BlazeFace model (128x128 input, faces within ~2 m: webcams). */
export const DETECTOR_MODEL_URL = "/models/face_detection_short_range.tflite";

/** Where this app serves tasks-vision's bundle and wasm files. */
export const TASKS_VISION_BASE = "/vendor/tasks-vision";

/**
 * @typedef {{ box: import("./face_crop.js").Box, score: number,
 *   keypoints: { x: number, y: number }[] }} Detection
 * One face in source pixels with its detection confidence and BlazeFace's six keypoints (right
 * eye, left eye, nose tip, mouth, right ear, left ear; "right" = the person's right).
 */

/**
 * @typedef {{ detections: { boundingBox?: { originX: number, originY: number, width: number,
 *   height: number }, categories?: { score: number }[],
 *   keypoints?: { x: number, y: number }[] }[] }} TasksDetections
 * What tasks-vision's FaceDetector returns (keypoints normalised to the input's size).
 */

/**
 * Creates a FaceDetector in `mode` ("VIDEO" for the camera, "IMAGE" for photos). Throws an Error
 * with a readable message when the model file or the wasm files are missing.
 * @param {"VIDEO" | "IMAGE"} mode
 * @param {{ minScore?: number, modelUrl?: string }} [options]
 */
export async function createFaceDetector(
  mode,
  { minScore = 0.5, modelUrl = DETECTOR_MODEL_URL } = {},
) {
  const head = await fetch(modelUrl, { method: "HEAD" }).catch(() => undefined);
  if (!head?.ok) {
    throw new Error(
      `face detector model not available at ${modelUrl} (run deno task build:detector)`,
    );
  }
  const { FaceDetector, FilesetResolver } = await import(`${TASKS_VISION_BASE}/vision_bundle.mjs`);
  const fileset = await FilesetResolver.forVisionTasks(TASKS_VISION_BASE);
  const detector = await FaceDetector.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: modelUrl, delegate: "CPU" },
    runningMode: mode,
    minDetectionConfidence: minScore,
  });
  return detector;
}

/**
 * Tasks-vision detections as they are: boxes and keypoints in pixels of the `width`×`height`
 * input (boxes may reach past its edge).
 * @param {TasksDetections} result
 * @param {number} width input width
 * @param {number} height input height
 * @returns {Detection[]}
 */
function inPixels(result, width, height) {
  return result.detections.flatMap((d) => {
    const b = d.boundingBox;
    if (!b) return [];
    return [{
      box: { x: b.originX, y: b.originY, width: b.width, height: b.height },
      score: d.categories?.[0]?.score ?? 0,
      keypoints: (d.keypoints ?? []).map((k) => ({ x: k.x * width, y: k.y * height })),
    }];
  });
}

/**
 * Converts tasks-vision detections into plain boxes clamped to the frame, largest first, with
 * keypoints in frame pixels.
 * @param {TasksDetections} result
 * @param {number} width frame width
 * @param {number} height frame height
 * @returns {Detection[]}
 */
export function toDetections(result, width, height) {
  /** @type {Detection[]} */
  const faces = [];
  for (const d of inPixels(result, width, height)) {
    const b = d.box;
    const x = Math.max(0, b.x);
    const y = Math.max(0, b.y);
    const w = Math.min(width, b.x + b.width) - x;
    const h = Math.min(height, b.y + b.height) - y;
    if (w <= 1 || h <= 1) continue;
    faces.push({ ...d, box: { x, y, width: w, height: h } });
  }
  return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
}

/**
 * Faces in a photo (IMAGE mode), as the server finds them: when the photo itself shows none, the
 * retry canvases of `retry_canvas.js` (the photo with a margin, upright, then turned ±30°) are
 * drawn and searched, and their faces mapped back to the photo.
 * @param {{ detect(image: any): TasksDetections }} detector a tasks-vision FaceDetector
 * @param {ImageBitmap} bitmap the decoded photo
 * @returns {Detection[]}
 */
export function detectPhotoFaces(detector, bitmap) {
  const { width, height } = bitmap;
  const faces = toDetections(detector.detect(bitmap), width, height);
  if (faces.length > 0) return faces;
  for (const { placements, minScore } of retrySteps(width, height)) {
    /** @type {Detection[]} */
    const found = [];
    for (const placement of placements) {
      const canvas = new OffscreenCanvas(placement.side, placement.side);
      const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext("2d"));
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, placement.side, placement.side);
      ctx.imageSmoothingQuality = "low"; // bilinear, as the server draws it
      ctx.setTransform(...placementMatrix(placement));
      ctx.drawImage(bitmap, 0, 0);
      for (const face of inPixels(detector.detect(canvas), placement.side, placement.side)) {
        if (face.score < minScore) continue;
        const mapped = faceToImage(placement, face);
        if (mapped) found.push(mapped);
      }
    }
    if (found.length > 0) return suppressOverlaps(found);
  }
  return [];
}
