/**
 * Batched inference over a whole split: class scores, and the loss/accuracy the loop validates with.
 * Test-time augmentation averages the scores of several views of each image.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { makeBatch, type TrainData } from "./dataset.ts";
import { TEN_CROP, type Transform } from "./augment.ts";

/** Test-time augmentation: none, the image and its mirror, or ten crops. */
export type Tta = "none" | "flip" | "tencrop";

const FLIP_VIEWS: (Transform | undefined)[] = [
  undefined,
  { flip: true, angleDegrees: 0, zoom: 1, dx: 0, dy: 0 },
];

/**
 * Scores (`count * classes`) of `model` on every image of `data`; `onBatch` hears the number of
 * images done after each batch.
 */
export function predictScores(
  model: tf.LayersModel,
  data: TrainData,
  pixelScale: number,
  batchSize = 256,
  tta: Tta = "none",
  onBatch?: (done: number) => void,
): Float32Array {
  const out = new Float32Array(data.count * data.classes);
  for (let start = 0; start < data.count; start += batchSize) {
    const end = Math.min(data.count, start + batchSize);
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const passes = tta === "flip" ? FLIP_VIEWS : tta === "tencrop" ? TEN_CROP : [undefined];
    for (const view of passes) {
      const batch = makeBatch(data, indices, pixelScale, undefined, view);
      const scores = tf.tidy(() => model.predict(batch.inputs) as tf.Tensor);
      const values = scores.dataSync() as Float32Array;
      for (let i = 0; i < values.length; i++) {
        out[start * data.classes + i] += values[i] / passes.length;
      }
      tf.dispose([scores, ...batch.inputs, batch.targets]);
    }
    onBatch?.(end);
  }
  return out;
}

/** Mean cross-entropy against the targets and top-1 accuracy against the labels. */
export function evaluateModel(
  model: tf.LayersModel,
  data: TrainData,
  pixelScale: number,
  batchSize = 256,
): { loss: number; accuracy: number; scores: Float32Array } {
  const scores = predictScores(model, data, pixelScale, batchSize);
  const k = data.classes;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < data.count; i++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      const p = Math.max(1e-7, scores[i * k + c]);
      loss -= data.targets[i * k + c] * Math.log(p);
      if (scores[i * k + c] > scores[i * k + best]) best = c;
    }
    if (best === data.labels[i]) correct++;
  }
  return {
    loss: loss / Math.max(1, data.count),
    accuracy: correct / Math.max(1, data.count),
    scores,
  };
}
