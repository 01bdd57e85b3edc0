/**
 * Post-processing for BlazeFace on tfjs: decode each window's outputs, map them to source pixels,
 * drop tile detections cut by a tile border, and merge everything with weighted NMS.
 *
 * @module
 */
import type { BlazeFaceConfig } from "../blazeface/config.ts";
import { decodeDetections } from "../blazeface/decode.ts";
import { type ScoredDetection, weightedNms } from "../blazeface/nms.ts";
import type { DetectedFace } from "../types.ts";
import type { DetectionWindow } from "./windows.ts";

/** Fraction of a box's size by which it must clear an inner tile border to count. */
const BORDER_MARGIN = 0.05;

function cutByTileBorder(
  box: [number, number, number, number],
  window: DetectionWindow,
  imageWidth: number,
  imageHeight: number,
): boolean {
  if (!window.tile) return false;
  const [x, y, w, h] = box;
  const mx = w * BORDER_MARGIN;
  const my = h * BORDER_MARGIN;
  // Borders that coincide with the image edge do not cut faces in half.
  if (window.x > 0 && x < window.x + mx) return true;
  if (window.y > 0 && y < window.y + my) return true;
  if (window.x + window.width < imageWidth && x + w > window.x + window.width - mx) return true;
  if (window.y + window.height < imageHeight && y + h > window.y + window.height - my) return true;
  return false;
}

/** Share of the smaller box covered by the larger-scored one. */
function containment(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  return inter / Math.min(a[2] * a[3], b[2] * b[3]);
}

/** Inputs for {@link collectFaces}: per window, the raw model outputs. */
export interface WindowOutputs {
  window: DetectionWindow;
  regressors: Float32Array;
  logits: Float32Array;
}

/** Merges per-window detections into faces in source pixels, highest score first. */
export function collectFaces(
  outputs: WindowOutputs[],
  anchors: Float32Array,
  config: BlazeFaceConfig,
  minScore: number,
  imageWidth: number,
  imageHeight: number,
): DetectedFace[] {
  const candidates: ScoredDetection[] = [];
  for (const { window, regressors, logits } of outputs) {
    for (const raw of decodeDetections(regressors, logits, anchors, config, minScore)) {
      const box: [number, number, number, number] = [
        window.x + raw.box[0] * window.width,
        window.y + raw.box[1] * window.height,
        raw.box[2] * window.width,
        raw.box[3] * window.height,
      ];
      if (cutByTileBorder(box, window, imageWidth, imageHeight)) continue;
      candidates.push({
        box,
        score: raw.score,
        keypoints: raw.keypoints.map(([x, y]) => [
          window.x + x * window.width,
          window.y + y * window.height,
        ]),
      });
    }
  }
  // Weighted NMS merges the same face seen at two scales; a leftover box mostly inside a
  // better one (a face part seen up close in a tile) is dropped.
  const merged = weightedNms(candidates, 0.3);
  const kept: ScoredDetection[] = [];
  for (const detection of merged) {
    if (kept.some((better) => containment(better.box, detection.box) > 0.6)) continue;
    kept.push(detection);
  }
  return kept.map((d) => ({
    box: { x: d.box[0], y: d.box[1], width: d.box[2], height: d.box[3] },
    score: d.score,
    keypoints: d.keypoints.map(([x, y]) => ({ x, y })),
  }));
}
