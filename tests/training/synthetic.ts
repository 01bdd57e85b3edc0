/**
 * Synthetic prepared splits for training tests: each class is a distinct, learnable pattern
 * (a bright band at a class-specific height) with per-image noise, so a few epochs must fit them.
 *
 * @module
 */
import {
  type PreparedSplit,
  type SplitName,
  writeManifest,
  writePreparedSplit,
} from "../../training/data/cache.ts";
import { Rng } from "../../training/rng.ts";

/** Makes `count` images over `classes` classes, labels cycling, deterministic from `seed`. */
export function syntheticSplit(
  split: SplitName,
  count: number,
  classes: number,
  seed: number,
  featureLength = 0,
): PreparedSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 48 * 48);
  const labels = new Uint8Array(count);
  const features: Record<string, Float32Array> = {};
  const f = featureLength ? new Float32Array(count * featureLength) : undefined;
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    const bandTop = Math.floor((label * 48) / classes);
    const bandBottom = Math.floor(((label + 1) * 48) / classes);
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 48; x++) {
        const base = y >= bandTop && y < bandBottom ? 200 : 50;
        images[i * 2304 + y * 48 + x] = Math.max(0, Math.min(255, base + rng.uniform(-40, 40)));
      }
    }
    if (f) {
      for (let j = 0; j < featureLength; j++) f[i * featureLength + j] = rng.next() + label;
    }
  }
  if (f) features.hog = f;
  return { split, count, images, labels, features };
}

/**
 * Writes `splits` and their manifest to `dir` as `deno task prepare` would, so that code reading
 * prepared data from disk (the CLIs, `averageRun`, `evaluateModelDir`) can run on them.
 */
export async function writeSyntheticPrepared(
  dir: string,
  splits: PreparedSplit[],
  labels: string[],
  options: Record<string, unknown> = {},
): Promise<void> {
  const counts: Partial<Record<SplitName, { count: number; classCounts: number[] }>> = {};
  for (const split of splits) {
    await writePreparedSplit(dir, split);
    const classCounts = labels.map(() => 0);
    for (const label of split.labels) classCounts[label]++;
    counts[split.split] = { count: split.count, classCounts };
  }
  await writeManifest(dir, {
    formatVersion: 1,
    labels,
    expressions: labels.map((_, i) => i),
    splits: counts,
    features: {},
    source: { path: "synthetic", bytes: 0, sha256: "" },
    options,
  });
}
