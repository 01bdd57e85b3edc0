// @ts-check
/**
 * Keeps labels steady on live video: faces are followed from one classification to the next by box
 * overlap, and each face's scores are an exponential moving average over its recent results, so one
 * noisy frame does not flip the label.
 *
 * @module
 */

/** @typedef {import("./face_crop.js").Box} Box */

/**
 * @typedef {object} Track
 * @property {number} id stable id while the face stays in view
 * @property {Box} box box of the latest classified frame
 * @property {number[]} scores smoothed scores, one per class
 * @property {number} updatedAt time of the latest update, ms
 */

/**
 * Intersection over union of two boxes (0 when they do not overlap).
 * @param {Box} a
 * @param {Box} b
 */
export function iou(a, b) {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Follows faces across frames and smooths their class scores. */
export class ScoreSmoother {
  /**
   * @param {object} [options]
   * @param {number} [options.alpha] weight of the newest scores (0..1]; 1 means no smoothing
   * @param {number} [options.minIou] overlap needed to call two boxes the same face
   * @param {number} [options.maxAgeMs] a face not seen for this long is forgotten
   */
  constructor({ alpha = 0.4, minIou = 0.3, maxAgeMs = 1000 } = {}) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
    this.alpha = alpha;
    this.minIou = minIou;
    this.maxAgeMs = maxAgeMs;
    /** @type {Track[]} */
    this.tracks = [];
    this.nextId = 1;
  }

  /**
   * Folds one classification result into the tracks and returns the track of each face, in order.
   * @param {Box[]} boxes faces of one frame
   * @param {number[][]} scores class scores per face, same order as `boxes`
   * @param {number} now time in ms
   * @returns {Track[]}
   */
  update(boxes, scores, now) {
    if (boxes.length !== scores.length) {
      throw new RangeError(`${boxes.length} boxes but ${scores.length} score rows`);
    }
    this.tracks = this.tracks.filter((t) => now - t.updatedAt <= this.maxAgeMs);
    const free = new Set(this.tracks);
    return boxes.map((box, i) => {
      const match = this.#bestMatch(box, free);
      if (!match) {
        const track = { id: this.nextId++, box, scores: [...scores[i]], updatedAt: now };
        this.tracks.push(track);
        return track;
      }
      free.delete(match);
      match.box = box;
      match.updatedAt = now;
      match.scores = match.scores.map((s, k) => (1 - this.alpha) * s + this.alpha * scores[i][k]);
      return match;
    });
  }

  /**
   * The track a freshly detected box belongs to, for drawing labels between classifications.
   * @param {Box} box
   * @param {number} now time in ms
   * @returns {Track | undefined}
   */
  lookup(box, now) {
    const alive = this.tracks.filter((t) => now - t.updatedAt <= this.maxAgeMs);
    return this.#bestMatch(box, new Set(alive));
  }

  /**
   * @param {Box} box
   * @param {Set<Track>} candidates
   */
  #bestMatch(box, candidates) {
    /** @type {Track | undefined} */
    let best;
    let bestIou = this.minIou;
    for (const t of candidates) {
      const v = iou(t.box, box);
      if (v >= bestIou) [best, bestIou] = [t, v];
    }
    return best;
  }
}

/**
 * Index and value of the largest score.
 * @param {ArrayLike<number>} scores
 */
export function argmax(scores) {
  let index = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[index]) index = i;
  return { index, value: scores[index] };
}
