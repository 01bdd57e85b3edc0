/**
 * Turns BlazeFace's raw outputs (per anchor: 16 regressors and one logit) into scored boxes with six
 * keypoints, in 0..1 coordinates of the model input, as MediaPipe's `TensorsToDetectionsCalculator`.
 *
 * @module
 */
import type { BlazeFaceConfig } from "./config.ts";

/** A candidate detection in normalised (0..1) model-input coordinates. */
export interface RawDetection {
  /** Top-left x, top-left y, width, height. */
  box: [number, number, number, number];
  score: number;
  /** Six keypoints as `[x, y]`. */
  keypoints: [number, number][];
}

/** Logits are clipped before the sigmoid, as MediaPipe's `score_clipping_thresh`. */
const SCORE_CLIP = 100;

/** Numerically safe logistic function. */
export function sigmoid(x: number): number {
  const clipped = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, x));
  return 1 / (1 + Math.exp(-clipped));
}

/**
 * Decodes the anchors whose score reaches `minScore`.
 *
 * @param regressors `anchorCount × 16` values: centre offset, size, then 6 keypoint offsets.
 * @param logits `anchorCount` raw scores.
 * @param anchors from {@link generateAnchors}.
 */
export function decodeDetections(
  regressors: Float32Array,
  logits: Float32Array,
  anchors: Float32Array,
  config: BlazeFaceConfig,
  minScore: number,
): RawDetection[] {
  const count = anchors.length / 2;
  if (logits.length !== count || regressors.length !== count * 16) {
    throw new Error(
      `expected ${count} anchors × 16 regressors, got ${regressors.length} and ${logits.length} scores`,
    );
  }
  const scale = config.boxScale;
  const out: RawDetection[] = [];
  for (let i = 0; i < count; i++) {
    const score = sigmoid(logits[i]);
    if (score < minScore) continue;
    const r = i * 16;
    const ax = anchors[2 * i];
    const ay = anchors[2 * i + 1];
    const cx = regressors[r] / scale + ax;
    const cy = regressors[r + 1] / scale + ay;
    const w = regressors[r + 2] / scale;
    const h = regressors[r + 3] / scale;
    const keypoints: [number, number][] = [];
    for (let k = 0; k < 6; k++) {
      keypoints.push([
        regressors[r + 4 + 2 * k] / scale + ax,
        regressors[r + 5 + 2 * k] / scale + ay,
      ]);
    }
    out.push({ box: [cx - w / 2, cy - h / 2, w, h], score, keypoints });
  }
  return out;
}
