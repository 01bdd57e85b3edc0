/**
 * Turns the model's softmax output into per-face results keyed by class name. Pure: no Deno or DOM
 * APIs, so the camera page can reuse it.
 *
 * @module
 */

/** One classified face: the top class, its probability, and every class's probability. */
export interface FaceScores {
  /** Name of the most probable class. */
  emotion: string;
  /** Probability of {@link FaceScores.emotion}, 0..1. */
  confidence: number;
  /** Probability of each class, keyed by label, in the model's label order. */
  scores: Record<string, number>;
}

/**
 * Splits a flat `[count, labels.length]` probability matrix into one {@link FaceScores} per row.
 * Ties go to the earlier label.
 *
 * @throws {RangeError} when the matrix size does not match `count × labels.length`.
 */
export function toFaceScores(
  probabilities: ArrayLike<number>,
  count: number,
  labels: readonly string[],
): FaceScores[] {
  const classes = labels.length;
  if (classes === 0 || probabilities.length !== count * classes) {
    throw new RangeError(
      `expected ${count} x ${classes} probabilities, got ${probabilities.length} values`,
    );
  }
  const results: FaceScores[] = [];
  for (let row = 0; row < count; row++) {
    const scores: Record<string, number> = {};
    let best = 0;
    for (let k = 0; k < classes; k++) {
      const p = probabilities[row * classes + k];
      scores[labels[k]] = p;
      if (p > probabilities[row * classes + best]) best = k;
    }
    results.push({
      emotion: labels[best],
      confidence: probabilities[row * classes + best],
      scores,
    });
  }
  return results;
}

/**
 * `face` with its probabilities rounded to `digits` decimals (4 by default: finer digits are noise
 * for a 7-way softmax and make JSON answers three times longer).
 */
export function roundFaceScores(face: FaceScores, digits = 4): FaceScores {
  const factor = 10 ** digits;
  const round = (p: number) => Math.round(p * factor) / factor;
  const scores: Record<string, number> = {};
  for (const [label, p] of Object.entries(face.scores)) scores[label] = round(p);
  return { emotion: face.emotion, confidence: round(face.confidence), scores };
}
