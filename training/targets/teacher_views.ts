/**
 * Consistent distillation (`--teacher-views K`): instead of scoring each Training image once and
 * letting the student see it under a fresh random transform every epoch, K transformed copies of
 * every image are drawn once, the teacher scores each copy, and every epoch the student sees one of
 * the copies with the teacher's scores for exactly that copy. A teacher's scores on a shifted,
 * rotated or zoomed face differ from its scores on the clean face (for the shipped model the top
 * class changes on ~14% of Training images), so fixed clean-image targets ask the student to match
 * a function the teacher does not compute; matched views remove that mismatch, at the price of K
 * fixed copies instead of unlimited fresh ones.
 *
 * The copies are a {@link PreparedSplit} of `K * N` images, view-major (copy `v` of image `i` is
 * image `v * N + i`), so teacher scoring and target building treat them as any other split.
 *
 * @module
 */
import type { PreparedSplit } from "../data/cache.ts";
import { FER_PIXELS } from "../../src/face.ts";
import type { AugmentConfig } from "../config.ts";
import { augmentInto } from "../augment.ts";
import { Rng } from "../rng.ts";
import type { TrainingViews } from "../loop/targets.ts";

/**
 * A split expanded into transformed copies of its images, as the loop trains on them: every epoch
 * visits each image once through one of its copies ({@link viewIndices}), with only the flip on
 * top ({@link flipOnly}).
 */
export interface ViewSplit extends TrainingViews {
  /** `perImage * images` images, view-major. */
  split: PreparedSplit;
  /** Copies per image (K); the original split had `split.count / perImage` images. */
  perImage: number;
  /** What the copies were drawn from, for caches keyed on it. */
  identity: string;
}

/**
 * Draws `views` transformed copies of every image of `split` with `augment`'s limits, reproducibly
 * from `seed` (the same seed gives the same copies, so a resumed run scores and trains on the same
 * ones). Pixels are rounded back to bytes, which moves none by more than half a grey level.
 */
export function augmentedViews(
  split: PreparedSplit,
  views: number,
  augment: AugmentConfig,
  seed: number,
): ViewSplit {
  if (!(Number.isInteger(views) && views >= 1)) {
    throw new Error(`teacher views must be an integer >= 1, got ${views}`);
  }
  const n = split.count;
  const images = new Uint8Array(views * n * FER_PIXELS);
  const buffer = new Float32Array(FER_PIXELS);
  const rng = new Rng(seed * 65537 + 17);
  for (let v = 0; v < views; v++) {
    for (let i = 0; i < n; i++) {
      const source = split.images.subarray(i * FER_PIXELS, (i + 1) * FER_PIXELS);
      augmentInto(source, buffer, 0, 1, augment, rng);
      const at = (v * n + i) * FER_PIXELS;
      for (let p = 0; p < FER_PIXELS; p++) {
        images[at + p] = Math.min(255, Math.max(0, Math.round(buffer[p])));
      }
    }
  }
  const labels = new Uint8Array(views * n);
  for (let v = 0; v < views; v++) labels.set(split.labels, v * n);
  const features: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(split.features)) {
    // Feature inputs describe the clean face; every copy keeps them, as on-the-fly augmentation does.
    const repeated = new Float32Array(views * values.length);
    for (let v = 0; v < views; v++) repeated.set(values, v * values.length);
    features[name] = repeated;
  }
  return {
    split: { split: split.split, count: views * n, images, labels, features },
    perImage: views,
    order: (order, epoch) => viewIndices(order, order.length, views, seed, epoch),
    augment: flipOnly,
    identity: `${views} views of ${n} images, seed ${seed}, augment ${JSON.stringify(augment)}`,
  };
}

/**
 * Maps an epoch's order of the original images (`order`, a permutation of `0..images-1`) to indices
 * of their copies: each image gets one of its `views` copies at random, reproducibly from `seed` and
 * `epoch`.
 */
export function viewIndices(
  order: Uint32Array,
  images: number,
  views: number,
  seed: number,
  epoch: number,
): Uint32Array {
  const rng = new Rng(seed * 7789 + epoch * 31 + 5);
  const picked = new Uint32Array(order.length);
  for (let k = 0; k < order.length; k++) {
    picked[k] = Math.floor(rng.next() * views) * images + order[k];
  }
  return picked;
}

/**
 * The student's own augmentation when it trains on copies: only the mirror flip stays, because the
 * copies already carry the geometric transforms the teacher scored. A flip keeps the targets right
 * when they are flip-averaged (`--teacher-tta flip`) or the teachers are mirror-tied.
 */
export function flipOnly(augment: AugmentConfig): AugmentConfig {
  return { flip: augment.flip, shift: 0, rotate: 0, scale: 0 };
}
