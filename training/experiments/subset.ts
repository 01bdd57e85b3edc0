/**
 * Narrows a prepared 7-expression split to the expressions of an experiment (re-indexing labels to
 * 0..k-1 in the given order, as `prepare --expressions` would) and to a row budget.
 *
 * @module
 */
import type { PreparedSplit } from "../data/cache.ts";
import { FER_PIXELS } from "../../src/face.ts";

/**
 * Rows of `split` whose stored label (`= FER2013 id` when the cache holds all seven in order) is in
 * `expressions`, relabelled by position in `expressions`, keeping at most `limit` rows (0 = all)
 * in file order.
 */
export function selectExpressions(
  split: PreparedSplit,
  expressions: readonly number[],
  limit = 0,
): PreparedSplit {
  const index = new Map(expressions.map((id, i) => [id, i]));
  const rows: number[] = [];
  for (let i = 0; i < split.count && (!limit || rows.length < limit); i++) {
    if (index.has(split.labels[i])) rows.push(i);
  }
  const count = rows.length;
  const images = new Uint8Array(count * FER_PIXELS);
  const labels = new Uint8Array(count);
  const features: Record<string, Float32Array> = {};
  const widths = Object.fromEntries(
    Object.entries(split.features).map(([name, v]) => [name, v.length / split.count]),
  );
  for (const name of Object.keys(split.features)) {
    features[name] = new Float32Array(count * widths[name]);
  }
  rows.forEach((i, r) => {
    images.set(split.images.subarray(i * FER_PIXELS, (i + 1) * FER_PIXELS), r * FER_PIXELS);
    labels[r] = index.get(split.labels[i])!;
    for (const [name, values] of Object.entries(split.features)) {
      const w = widths[name];
      features[name].set(values.subarray(i * w, (i + 1) * w), r * w);
    }
  });
  return { split: split.split, count, images, labels, features };
}
