/**
 * Turns prepared splits into what the training loop consumes: images, target distributions
 * (one-hot with label smoothing, or FER+ vote distributions), and the standardised feature matrix
 * of the feature branch; and cuts them into tensor batches.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { PreparedSplit } from "./data/cache.ts";
import { augmentInto, copyInto, type Transform, transformInto } from "./augment.ts";
import type { AugmentConfig } from "./config.ts";
import type { Rng } from "./rng.ts";
import { FER_PIXELS, FER_SIZE } from "../src/face.ts";

const PIXELS = FER_PIXELS;

/** A split ready for training or evaluation. */
export interface TrainData {
  /** Images. */
  count: number;
  /** `count * 48 * 48` pixels. */
  images: Uint8Array;
  /** Hard label per image (argmax of the target for soft labels). */
  labels: Uint8Array;
  /** `count * classes` target distributions. */
  targets: Float32Array;
  /** Number of classes. */
  classes: number;
  /** Standardised features, `count * featureLength`, or undefined for image-only models. */
  features?: Float32Array;
  /** Values per image in `features` (0 without features). */
  featureLength: number;
}

/** Per-column mean and standard deviation of the training features, applied to every split. */
export interface FeatureStats {
  /** Column means. */
  mean: Float32Array;
  /** Column standard deviations (floored, so constant columns stay finite). */
  std: Float32Array;
}

/** Concatenates the named feature matrices of `split` column-wise, in the given order. */
export function concatFeatures(split: PreparedSplit, names: string[]): Float32Array | undefined {
  if (names.length === 0) return undefined;
  const parts = names.map((name) => {
    const values = split.features[name];
    if (!values) {
      throw new Error(
        `feature "${name}" is not in the prepared ${split.split} data; re-run \`deno task prepare\` with it`,
      );
    }
    return { values, length: values.length / split.count };
  });
  const width = parts.reduce((a, p) => a + p.length, 0);
  const out = new Float32Array(split.count * width);
  for (let i = 0; i < split.count; i++) {
    let at = i * width;
    for (const p of parts) {
      out.set(p.values.subarray(i * p.length, (i + 1) * p.length), at);
      at += p.length;
    }
  }
  return out;
}

/** Computes column statistics of a `rows x width` matrix. */
export function featureStats(values: Float32Array, width: number): FeatureStats {
  const rows = values.length / width;
  const mean = new Float32Array(width);
  const std = new Float32Array(width);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) mean[c] += values[r * width + c];
  for (let c = 0; c < width; c++) mean[c] /= Math.max(1, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) std[c] += (values[r * width + c] - mean[c]) ** 2;
  }
  for (let c = 0; c < width; c++) std[c] = Math.max(1e-6, Math.sqrt(std[c] / Math.max(1, rows)));
  return { mean, std };
}

/** Standardises a matrix in place with the given statistics. */
export function standardize(values: Float32Array, stats: FeatureStats): void {
  const width = stats.mean.length;
  for (let i = 0; i < values.length; i++) {
    const c = i % width;
    values[i] = (values[i] - stats.mean[c]) / stats.std[c];
  }
}

/** Options of {@link toTrainData}. */
export interface ToTrainDataOptions {
  /** Number of classes. */
  classes: number;
  /** Feature names to use (empty = images only). */
  features: string[];
  /** Label smoothing for one-hot targets. */
  labelSmoothing: number;
  /** Soft targets (`count * classes`), e.g. FER+ vote distributions; replaces one-hot labels. */
  softTargets?: Float32Array;
  /** Statistics from the training split; computed from this split when absent. */
  stats?: FeatureStats;
}

/** The top class of each of the `count` rows of `targets` (`count * classes`; first on ties). */
export function topClasses(targets: Float32Array, count: number, classes: number): Uint8Array {
  const k = classes;
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (targets[i * k + c] > targets[i * k + best]) best = c;
    labels[i] = best;
  }
  return labels;
}

/** Builds {@link TrainData} from a prepared split. Returns the feature stats it used. */
export function toTrainData(
  split: PreparedSplit,
  o: ToTrainDataOptions,
): { data: TrainData; stats?: FeatureStats } {
  const k = o.classes;
  let targets: Float32Array;
  let labels = split.labels;
  if (o.softTargets) {
    targets = o.softTargets;
    labels = topClasses(targets, split.count, k);
  } else {
    targets = new Float32Array(split.count * k).fill(o.labelSmoothing / k);
    for (let i = 0; i < split.count; i++) {
      if (split.labels[i] >= k) throw new Error(`label ${split.labels[i]} >= ${k} classes`);
      targets[i * k + split.labels[i]] += 1 - o.labelSmoothing;
    }
  }
  const features = concatFeatures(split, o.features);
  let stats = o.stats;
  let featureLength = 0;
  if (features) {
    featureLength = features.length / split.count;
    stats ??= featureStats(features, featureLength);
    standardize(features, stats);
  }
  return {
    data: {
      count: split.count,
      images: split.images,
      labels,
      targets,
      classes: k,
      features,
      featureLength,
    },
    stats,
  };
}

/** One batch as tensors. */
export interface Batch {
  /** Model inputs: the image tensor, plus the feature tensor for feature models. */
  inputs: tf.Tensor[];
  /** Targets, `batch x classes`. */
  targets: tf.Tensor2D;
}

/**
 * Gathers the images at `indices` into a batch: augmented at random when `augment` is given, or
 * seen through the fixed `view` transform (test-time augmentation), or as they are.
 */
export function makeBatch(
  data: TrainData,
  indices: ArrayLike<number>,
  pixelScale: number,
  augment?: { config: AugmentConfig; rng: Rng },
  view?: Transform,
): Batch {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS);
  const y = new Float32Array(n * data.classes);
  const f = data.features ? new Float32Array(n * data.featureLength) : undefined;
  for (let b = 0; b < n; b++) {
    const i = indices[b];
    const image = data.images.subarray(i * PIXELS, (i + 1) * PIXELS);
    if (augment) augmentInto(image, x, b * PIXELS, pixelScale, augment.config, augment.rng);
    else if (view) transformInto(image, x, b * PIXELS, pixelScale, view);
    else copyInto(image, x, b * PIXELS, pixelScale);
    y.set(data.targets.subarray(i * data.classes, (i + 1) * data.classes), b * data.classes);
    if (f && data.features) {
      const w = data.featureLength;
      f.set(data.features.subarray(i * w, (i + 1) * w), b * w);
    }
  }
  const inputs: tf.Tensor[] = [tf.tensor4d(x, [n, FER_SIZE, FER_SIZE, 1])];
  if (f) inputs.push(tf.tensor2d(f, [n, data.featureLength]));
  return { inputs, targets: tf.tensor2d(y, [n, data.classes]) };
}

/** Keeps the first `limit` images of a split (all when `limit` is 0). */
export function limitSplit(split: PreparedSplit, limit: number): PreparedSplit {
  if (!limit || limit >= split.count) return split;
  const features: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(split.features)) {
    const w = values.length / split.count;
    features[name] = values.subarray(0, limit * w);
  }
  return {
    split: split.split,
    count: limit,
    images: split.images.subarray(0, limit * PIXELS),
    labels: split.labels.subarray(0, limit),
    features,
  };
}
