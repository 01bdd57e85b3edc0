/**
 * The splits a training run reads, as its config says: with `selection` (every new run), Training
 * minus Selection to train on, Selection to choose epochs on, and PublicTest to report once at
 * the end; without it (runs from before the split existed, or `--no-selection`), all of Training
 * and PublicTest for both. FER+ soft targets, FER+ votes for the teacher mix and `--limit` are
 * applied to each part, the votes cut along the same rows as the images, and so is the mask of the
 * photo crops that `deno task prepare:photos` appended to Training.
 *
 * @module
 */
import { readManifest, readPreparedSplit } from "./data/cache.ts";
import type { PreparedSplit } from "./data/cache.ts";
import type { SelectionRecord } from "../src/model/metadata.ts";
import { FERPLUS_EMOTIONS } from "../src/face.ts";
import type { TrainConfig } from "./config.ts";
import { limitSplit } from "./dataset.ts";
import {
  applyFerPlus,
  FERPLUS_COLUMNS,
  type FerPlusSplitVotes,
  readFerPlusVotes,
} from "./targets/ferplus.ts";
import { selectionIndices, selectionRecord, splitSelection } from "./selection.ts";

/** One part of a run's data: images, their name in logs and charts, FER+ soft targets if any. */
export interface RunSplit {
  /** The images. */
  split: PreparedSplit;
  /** `Selection`, `PublicTest`, `Training`. */
  name: string;
  /** FER+ vote distributions (`labels: "ferplus"`), aligned with `split`. */
  softTargets?: Float32Array;
}

/** Everything a run trains, chooses and reports on. */
export interface RunData {
  /** Images trained on. */
  train: RunSplit;
  /** Images every epoch is measured on and the best epoch is chosen by. */
  val: RunSplit;
  /** Images the exported model is reported on (the same as `val` without a Selection split). */
  report: RunSplit;
  /** Class names. */
  labels: string[];
  /** FER+ votes of the `train` images (for `ferplusWeight`), when the run reads a votes file. */
  trainVotes?: FerPlusSplitVotes;
  /** The held-out split, when the run has one. */
  selection?: SelectionRecord;
  /** Images FER+ mode dropped per part, for the log. */
  ferplusDropped?: { train: number; val: number; report: number };
  /**
   * 1 for each `train` image that is a photo crop appended by `deno task prepare:photos`, 0 for a
   * FER2013 face; absent when the data has no photo crops.
   */
  trainPhotoRows?: Uint8Array;
}

/**
 * The photo-crop mask of a prepared Training split of `count` images: `prepare:photos` appends
 * `crops * repeat` rows after the FER2013 ones and records both in the manifest's options.
 */
export function photoRowMask(
  options: Record<string, unknown>,
  count: number,
): Uint8Array | undefined {
  const photos = options.photos as { crops?: unknown; repeat?: unknown } | undefined;
  if (!photos) return undefined;
  const { crops, repeat } = photos;
  if (!Number.isInteger(crops) || !Number.isInteger(repeat)) {
    throw new Error("the manifest's photos options need integer crops and repeat");
  }
  const rows = (crops as number) * (repeat as number);
  if (rows > count) throw new Error(`the manifest lists ${rows} photo rows in ${count} images`);
  const mask = new Uint8Array(count);
  mask.fill(1, count - rows);
  return mask;
}

/** The rows of `votes` at `rows`, in that order. */
export function takeVoteRows(votes: FerPlusSplitVotes, rows: ArrayLike<number>): FerPlusSplitVotes {
  const width = FERPLUS_COLUMNS.length;
  const out = new Uint8Array(rows.length * width);
  const hasImage: boolean[] = [];
  for (let j = 0; j < rows.length; j++) {
    out.set(votes.votes.subarray(rows[j] * width, (rows[j] + 1) * width), j * width);
    hasImage.push(votes.hasImage[rows[j]]);
  }
  return { count: rows.length, votes: out, hasImage };
}

/** Reads and cuts the run's splits (see the module doc). `labels` are the prepared data's. */
export async function readRunData(config: TrainConfig, labels: string[]): Promise<RunData> {
  const read = (name: "Training" | "PublicTest") =>
    readPreparedSplit(config.data, name, { features: config.features });
  const training = await read("Training");
  const manifest = await readManifest(config.data);
  let trainPhotoRows = photoRowMask(manifest.options ?? {}, training.count);
  const reportSplit = await read(config.validationSplit);
  const needsVotes = config.labels === "ferplus" || config.ferplusWeight > 0;
  const votes = needsVotes ? await readFerPlusVotes(config.ferplus!) : undefined;
  const trainingVotes = votes?.Training;
  if (needsVotes && !trainingVotes) throw new Error(`${config.ferplus} has no Training rows`);
  if (trainingVotes && trainingVotes.count !== training.count) {
    throw new Error(
      `FER+ has ${trainingVotes.count} Training rows but the prepared data has ${training.count}; ` +
        `the votes must come from the fer2013.csv the data was prepared from, without skipped rows`,
    );
  }

  let train: RunSplit = { split: training, name: "Training" };
  let val: RunSplit = { split: reportSplit, name: config.validationSplit };
  let trainVotes = trainingVotes;
  let valVotes = votes?.[config.validationSplit];
  let selection: SelectionRecord | undefined;
  if (config.selection) {
    const held = selectionIndices(training.labels, config.selection);
    const parts = splitSelection(training, held);
    selection = await selectionRecord(config.selection, held, training.count);
    train = { split: parts.train, name: "Training" };
    val = { split: parts.selection, name: "Selection" };
    trainVotes = trainingVotes && takeVoteRows(trainingVotes, parts.trainRows);
    valVotes = trainingVotes && takeVoteRows(trainingVotes, parts.heldRows);
    const mask = trainPhotoRows;
    trainPhotoRows = mask && Uint8Array.from(parts.trainRows, (row) => mask[row]);
  }
  let report: RunSplit = config.selection
    ? { split: reportSplit, name: config.validationSplit }
    : val;
  const reportVotes = votes?.[config.validationSplit];

  let ferplusDropped: RunData["ferplusDropped"];
  let runLabels = labels;
  if (config.labels === "ferplus") {
    if (labels.length !== 7) {
      throw new Error("FER+ mode needs data prepared with all 7 expressions");
    }
    const soft = (part: RunSplit, partVotes: FerPlusSplitVotes | undefined) => {
      if (!partVotes) throw new Error(`${config.ferplus} has no votes for ${part.name}`);
      const applied = applyFerPlus(part.split, partVotes);
      return {
        part: { ...part, split: applied.split, softTargets: applied.targets },
        dropped: applied.dropped,
      };
    };
    const t = soft(train, trainVotes);
    const v = soft(val, valVotes);
    const r = config.selection ? soft(report, reportVotes) : v;
    [train, val, report] = [t.part, v.part, r.part];
    ferplusDropped = { train: t.dropped, val: v.dropped, report: r.dropped };
    runLabels = [...FERPLUS_EMOTIONS];
    trainVotes = undefined; // consumed: FER+ mode trains on the votes themselves
    // FER+ drops rows by their votes, and photo crops have none: no photo data gets this far.
    if (trainPhotoRows?.includes(1)) throw new Error("FER+ mode cannot train on photo crops");
    trainPhotoRows = undefined;
  }
  if (config.limit) {
    const k = runLabels.length;
    const cut = (part: RunSplit): RunSplit => ({
      ...part,
      split: limitSplit(part.split, config.limit),
      softTargets: part.softTargets?.subarray(0, Math.min(config.limit, part.split.count) * k),
    });
    const sameReport = report === val;
    train = cut(train);
    val = cut(val);
    report = sameReport ? val : cut(report);
    trainPhotoRows = trainPhotoRows?.subarray(0, train.split.count);
  }
  return {
    train,
    val,
    report,
    labels: runLabels,
    trainVotes,
    selection,
    ferplusDropped,
    trainPhotoRows,
  };
}
