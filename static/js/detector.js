// @ts-check
/// <reference lib="dom" />
/**
 * Face detection in the browser with MediaPipe tasks-vision's FaceDetector, running the project's
 * own BlazeFace asset (`/models/`, with TFLite metadata added by `deno task build:detector`) and the
 * wasm files served by this app under `/vendor/tasks-vision/`.
 *
 * @module
 */

/** The packaged short-range BlazeFace model (128x128 input, faces within ~2 m: webcams). */
export const DETECTOR_MODEL_URL = "/models/face_detection_short_range.tflite";

/** Where this app serves tasks-vision's bundle and wasm files. */
export const TASKS_VISION_BASE = "/vendor/tasks-vision";

/**
 * @typedef {{ box: import("./face_crop.js").Box, score: number }} Detection
 * One face in source pixels with its detection confidence.
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
 * Converts tasks-vision detections into plain boxes clamped to the frame, largest first.
 * @param {{ detections: { boundingBox?: { originX: number, originY: number, width: number,
 *   height: number }, categories?: { score: number }[] }[] }} result
 * @param {number} width frame width
 * @param {number} height frame height
 * @returns {Detection[]}
 */
export function toDetections(result, width, height) {
  /** @type {Detection[]} */
  const faces = [];
  for (const d of result.detections) {
    const b = d.boundingBox;
    if (!b) continue;
    const x = Math.max(0, b.originX);
    const y = Math.max(0, b.originY);
    const w = Math.min(width, b.originX + b.width) - x;
    const h = Math.min(height, b.originY + b.height) - y;
    if (w <= 1 || h <= 1) continue;
    faces.push({ box: { x, y, width: w, height: h }, score: d.categories?.[0]?.score ?? 0 });
  }
  return faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
}
