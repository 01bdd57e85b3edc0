/**
 * The Selection split: a fixed, seeded, class-stratified share of Training (10% by default) that
 * new runs hold out of training and make every choice on (best epoch, early stopping, averaging
 * windows, temperatures), so PublicTest is read once per candidate, to report it. The split is a
 * pure function of the Training labels, the fraction and the seed, so every tool (train,
 * evaluate, compare, calibrate) draws the same images; its SHA-256 goes into the run folder and
 * `fer-model.json` so a later reader can check it drew the same ones.
 *
 * ```ts
 * const held = selectionIndices(training.labels, { fraction: 0.1, seed: 2013 });
 * const { train, selection } = splitSelection(training, held);
 * ```
 *
 * @module
 */
import type { PreparedSplit } from "./data/cache.ts";
import type { SelectionRecord } from "../src/model/metadata.ts";
import { Rng } from "./rng.ts";

/** How Selection is drawn: the share of each class held out and the seed. */
export interface SelectionConfig {
  /** Share of each class held out, in (0, 1). */
  fraction: number;
  /** Seed of the draw. */
  seed: number;
}

/** The split new runs use: 10% of each class, seed 2013 (FER2013's year). */
export const DEFAULT_SELECTION: Readonly<SelectionConfig> = Object.freeze({
  fraction: 0.1,
  seed: 2013,
});

/** Throws unless `config` is a usable {@link SelectionConfig}. */
export function checkSelectionConfig(config: SelectionConfig): SelectionConfig {
  if (!(typeof config?.fraction === "number" && config.fraction > 0 && config.fraction < 1)) {
    throw new Error(`selection.fraction must be in (0, 1), got ${config?.fraction}`);
  }
  if (!(Number.isInteger(config.seed) && config.seed >= 0)) {
    throw new Error(`selection.seed must be a whole number >= 0, got ${config.seed}`);
  }
  return config;
}

/**
 * Indices (ascending) of the Training images held out as Selection: from each class,
 * `round(fraction * count)` of its images, drawn by a seeded shuffle of that class's indices
 * (classes in label order, one generator), so the class mix of Selection is Training's.
 */
export function selectionIndices(labels: ArrayLike<number>, config: SelectionConfig): Uint32Array {
  checkSelectionConfig(config);
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) (byClass[labels[i]] ??= []).push(i);
  const rng = new Rng(config.seed);
  const held: number[] = [];
  for (const members of byClass) {
    if (!members) continue;
    const take = Math.round(config.fraction * members.length);
    const order = rng.permutation(members.length);
    for (let j = 0; j < take; j++) held.push(members[order[j]]);
  }
  return Uint32Array.from(held).sort();
}

/** Indices 0..n-1 that are not in `held` (ascending, as `held` is). */
export function complementIndices(n: number, held: Uint32Array): Uint32Array {
  const out = new Uint32Array(n - held.length);
  let h = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (h < held.length && held[h] === i) h++;
    else out[o++] = i;
  }
  if (o !== out.length) throw new Error("held-out indices are not ascending and distinct below n");
  return out;
}

/** SHA-256 (hex) of `indices` as little-endian uint32: the split's fingerprint. */
export async function indicesSha256(indices: Uint32Array): Promise<string> {
  const bytes = new Uint8Array(indices.length * 4);
  const view = new DataView(bytes.buffer);
  indices.forEach((v, i) => view.setUint32(i * 4, v, true));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** What `fer-model.json` and the run folder record of a split drawn from `of` Training images. */
export async function selectionRecord(
  config: SelectionConfig,
  held: Uint32Array,
  of: number,
): Promise<SelectionRecord> {
  return {
    fraction: config.fraction,
    seed: config.seed,
    count: held.length,
    of,
    sha256: await indicesSha256(held),
  };
}

/** The images of `split` at `rows`, in that order (labels and features along). */
export function takeRows(split: PreparedSplit, rows: ArrayLike<number>): PreparedSplit {
  const pixels = split.images.length / Math.max(1, split.count);
  const images = new Uint8Array(rows.length * pixels);
  const labels = new Uint8Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    const i = rows[j];
    if (!(i >= 0 && i < split.count)) throw new RangeError(`row ${i} is not in ${split.split}`);
    images.set(split.images.subarray(i * pixels, (i + 1) * pixels), j * pixels);
    labels[j] = split.labels[i];
  }
  const features: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(split.features)) {
    const w = values.length / split.count;
    const out = new Float32Array(rows.length * w);
    for (let j = 0; j < rows.length; j++) {
      out.set(values.subarray(rows[j] * w, (rows[j] + 1) * w), j * w);
    }
    features[name] = out;
  }
  return { split: split.split, count: rows.length, images, labels, features };
}

/** Training cut in two: the images trained on and the held-out Selection, with their indices. */
export interface SelectionSplit {
  /** Training minus Selection. */
  train: PreparedSplit;
  /** The held-out images (their `split` field still says `Training`, where they come from). */
  selection: PreparedSplit;
  /** Training indices of `train`, ascending. */
  trainRows: Uint32Array;
  /** Training indices of `selection`, ascending. */
  heldRows: Uint32Array;
}

/** Cuts `training` at the held-out indices `held` (from {@link selectionIndices}). */
export function splitSelection(training: PreparedSplit, held: Uint32Array): SelectionSplit {
  const trainRows = complementIndices(training.count, held);
  return {
    train: takeRows(training, trainRows),
    selection: takeRows(training, held),
    trainRows,
    heldRows: held,
  };
}
