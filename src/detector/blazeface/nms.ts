/**
 * Weighted non-maximum suppression, as MediaPipe's `NonMaxSuppressionCalculator` in `WEIGHTED` mode
 * (BlazeFace's "blending"): overlapping candidates are merged into a score-weighted average box
 * instead of being dropped, which steadies boxes between frames and between tiles.
 *
 * @module
 */

/** A detection in any consistent coordinate system. */
export interface ScoredDetection {
  /** Top-left x, top-left y, width, height. */
  box: [number, number, number, number];
  score: number;
  keypoints: [number, number][];
}

/** Intersection over union of two `[x, y, w, h]` boxes. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Merges candidates whose IoU with a higher-scored one exceeds `threshold`. The merged box and
 * keypoints are the score-weighted mean of the group; its score is the group's best.
 * Returns detections sorted by score, highest first.
 */
export function weightedNms<T extends ScoredDetection>(
  detections: T[],
  threshold = 0.3,
): ScoredDetection[] {
  let remaining = [...detections].sort((a, b) => b.score - a.score);
  const out: ScoredDetection[] = [];
  while (remaining.length > 0) {
    const best = remaining[0];
    const group: T[] = [];
    const rest: T[] = [];
    for (const candidate of remaining) {
      (candidate === best || iou(best.box, candidate.box) > threshold ? group : rest).push(
        candidate,
      );
    }
    remaining = rest;
    let total = 0;
    const box = [0, 0, 0, 0];
    const keypoints = best.keypoints.map(() => [0, 0] as [number, number]);
    for (const member of group) {
      total += member.score;
      for (let k = 0; k < 4; k++) box[k] += member.score * member.box[k];
      member.keypoints.forEach((p, k) => {
        keypoints[k][0] += member.score * p[0];
        keypoints[k][1] += member.score * p[1];
      });
    }
    out.push({
      box: box.map((v) => v / total) as [number, number, number, number],
      score: best.score,
      keypoints: keypoints.map(([x, y]) => [x / total, y / total] as [number, number]),
    });
  }
  return out;
}
