/**
 * Weight averaging of one run's epoch snapshots (stochastic weight averaging, Izmailov et al.
 * 2018): the mean of the weights visited along the end of a learning-rate cycle generalizes
 * better than any one of them, at no inference cost. Batch-norm statistics of the mean are not the
 * mean of the statistics, so they are measured again ({@link recalibrateBatchNorm}).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Element-wise mean of several models' weight lists (same architecture, same order). */
export function averageWeightLists(lists: tf.Tensor[][]): tf.Tensor[] {
  if (lists.length === 0) throw new Error("nothing to average");
  const length = lists[0].length;
  for (const list of lists) {
    if (list.length !== length) {
      throw new Error(`weight lists differ in length (${list.length} vs ${length})`);
    }
  }
  return lists[0].map((first, i) =>
    tf.tidy(() => {
      for (const list of lists) {
        if (!tf.util.arraysEqual(list[i].shape, first.shape)) {
          throw new Error(`weight ${i} differs in shape (${list[i].shape} vs ${first.shape})`);
        }
      }
      return tf.addN(lists.map((list) => list[i])).div(lists.length);
    })
  );
}

/** Parses an epoch selection such as `80-96` or `84,88,92` (1-based epochs). */
export function parseEpochSelection(text: string): number[] {
  const epochs = new Set<number>();
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    const [from, through] = range
      ? [Number(range[1]), Number(range[2])]
      : [Number(part), Number(part)];
    if (!Number.isInteger(from) || !Number.isInteger(through) || from < 1 || through < from) {
      throw new Error(`bad epoch selection "${part}" (use e.g. 80-96 or 84,88,92)`);
    }
    for (let e = from; e <= through; e++) epochs.add(e);
  }
  if (epochs.size === 0) throw new Error("empty epoch selection");
  return [...epochs].sort((a, b) => a - b);
}

/** Writes sorted epochs back as a selection: runs of consecutive epochs as ranges (`23-32,51-60`). */
export function formatEpochSelection(epochs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < epochs.length;) {
    let j = i;
    while (j + 1 < epochs.length && epochs[j + 1] === epochs[j] + 1) j++;
    parts.push(j === i ? `${epochs[i]}` : `${epochs[i]}-${epochs[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
