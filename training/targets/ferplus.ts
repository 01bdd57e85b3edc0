/**
 * FER+ mode: the Microsoft FERPlus relabelling (`fer2013new.csv`, ten annotators' votes per image, in
 * the same row order as `fer2013.csv`) turned into soft targets over eight classes — FER2013's seven
 * plus contempt — with images dropped where the votes say "unknown" or "not a face".
 *
 * @module
 */
import type { PreparedSplit, SplitName } from "../data/cache.ts";
import { FER_PIXELS, FERPLUS_EMOTIONS } from "../../src/face.ts";
import { topClasses } from "../dataset.ts";
import type { TargetSource } from "../loop/targets.ts";

/** FER+ vote columns in file order, after `Usage` and `Image name`. */
export const FERPLUS_COLUMNS = [
  "neutral",
  "happiness",
  "surprise",
  "sadness",
  "anger",
  "disgust",
  "fear",
  "contempt",
  "unknown",
  "NF",
] as const;

/** FER+ column -> index in {@link FERPLUS_EMOTIONS} (FER2013 order, contempt last). */
export const TO_FERPLUS_INDEX: Record<string, number> = {
  neutral: 6,
  happiness: 3,
  surprise: 5,
  sadness: 4,
  anger: 0,
  disgust: 1,
  fear: 2,
  contempt: 7,
};

/** Votes of one split: `count x 10` in {@link FERPLUS_COLUMNS} order, plus whether the row names an image. */
export interface FerPlusSplitVotes {
  /** Rows of the split. */
  count: number;
  /** `count * 10` vote counts. */
  votes: Uint8Array;
  /** False where the image-name column is empty (FER+ found no face). */
  hasImage: boolean[];
}

async function readText(path: string): Promise<string> {
  const file = await Deno.open(path);
  const stream = path.endsWith(".gz")
    ? file.readable.pipeThrough(
      new DecompressionStream("gzip") as TransformStream<Uint8Array, Uint8Array>,
    )
    : file.readable;
  return await new Response(stream).text();
}

/** Reads a FER+ votes CSV (`.csv` or `.csv.gz`), grouped by `Usage` in file order. */
export async function readFerPlusVotes(
  path: string,
): Promise<Partial<Record<SplitName, FerPlusSplitVotes>>> {
  const text = await readText(path).catch((error) => {
    throw new Error(
      `cannot read FER+ votes ${path} (${error.message}); get fer2013new.csv from github.com/microsoft/FERPlus`,
    );
  });
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(",").map((s) => s.trim());
  if (header[0] !== "Usage" || header.length !== 12) {
    throw new Error(
      `${path}: expected the FER+ header "Usage,Image name,${FERPLUS_COLUMNS.join(",")}"`,
    );
  }
  const raw: Record<string, { votes: number[]; hasImage: boolean[] }> = {};
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const cells = lines[i].split(",");
    if (cells.length !== 12) {
      throw new Error(`${path}:${i + 1}: expected 12 fields, got ${cells.length}`);
    }
    const entry = raw[cells[0]] ??= { votes: [], hasImage: [] };
    for (let c = 2; c < 12; c++) {
      const v = Number(cells[c]);
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        throw new Error(`${path}:${i + 1}: bad vote "${cells[c]}"`);
      }
      entry.votes.push(v);
    }
    entry.hasImage.push(cells[1] !== "");
  }
  const out: Partial<Record<SplitName, FerPlusSplitVotes>> = {};
  for (const [split, entry] of Object.entries(raw)) {
    out[split as SplitName] = {
      count: entry.hasImage.length,
      votes: Uint8Array.from(entry.votes),
      hasImage: entry.hasImage,
    };
  }
  return out;
}

/**
 * The eight emotion vote counts of row `i` (FER+ column order, contempt last), or `undefined` where
 * FER+ found no face, no emotion got a vote, or "unknown" or "not a face" outvotes every emotion.
 */
export function usableEmotionVotes(votes: FerPlusSplitVotes, i: number): Uint8Array | undefined {
  const row = votes.votes.subarray(i * FERPLUS_COLUMNS.length, (i + 1) * FERPLUS_COLUMNS.length);
  const emotionVotes = row.subarray(0, 8);
  const top = Math.max(...emotionVotes);
  if (!votes.hasImage[i] || top === 0 || row[8] > top || row[9] > top) return undefined;
  return emotionVotes;
}

/**
 * Keeps the images of `split` that FER+ counts as a face with a real emotion majority (not
 * "unknown", not "NF") and returns them with their vote distributions over the eight classes.
 * The prepared split must hold every row of the CSV in order (no skipped rows), which is checked by
 * count.
 */
export function applyFerPlus(
  split: PreparedSplit,
  votes: FerPlusSplitVotes,
): { split: PreparedSplit; targets: Float32Array; dropped: number } {
  if (votes.count !== split.count) {
    throw new Error(
      `FER+ has ${votes.count} ${split.split} rows but the prepared data has ${split.count}; ` +
        `FER+ mode needs the prepared data made from the matching fer2013.csv without skipped rows`,
    );
  }
  const k = FERPLUS_EMOTIONS.length;
  const keep: number[] = [];
  const targets: number[] = [];
  for (let i = 0; i < split.count; i++) {
    const emotionVotes = usableEmotionVotes(votes, i);
    if (!emotionVotes) continue;
    const total = emotionVotes.reduce((a, b) => a + b, 0);
    const dist = new Array<number>(k).fill(0);
    FERPLUS_COLUMNS.slice(0, 8).forEach((name, c) => {
      dist[TO_FERPLUS_INDEX[name]] = emotionVotes[c] / total;
    });
    keep.push(i);
    targets.push(...dist);
  }
  const images = new Uint8Array(keep.length * FER_PIXELS);
  const labels = new Uint8Array(keep.length);
  keep.forEach((src, j) => {
    images.set(split.images.subarray(src * FER_PIXELS, (src + 1) * FER_PIXELS), j * FER_PIXELS);
    labels[j] = split.labels[src];
  });
  const features: Record<string, Float32Array> = {};
  for (const [name, values] of Object.entries(split.features)) {
    const w = values.length / split.count;
    const out = new Float32Array(keep.length * w);
    keep.forEach((src, j) => out.set(values.subarray(src * w, (src + 1) * w), j * w));
    features[name] = out;
  }
  return {
    split: { split: split.split, count: keep.length, images, labels, features },
    targets: Float32Array.from(targets),
    dropped: split.count - keep.length,
  };
}

/**
 * FER+ mode's target source: each image's vote distribution ({@link applyFerPlus}'s `targets`,
 * aligned with the images it kept) instead of its one-hot label, on the training and validation
 * splits, the hard label being the distribution's top class.
 */
export function ferPlusTargets(train: Float32Array, val: Float32Array): TargetSource {
  return {
    name: "FER+ votes",
    slot: "labels",
    imageTargets: (before, part) => {
      const targets = part === "train" ? train : val;
      if (targets.length !== before.targets.length) {
        throw new Error(
          `FER+ targets have ${targets.length} values for ${before.targets.length} in ${part}`,
        );
      }
      const count = before.labels.length;
      return { targets, labels: topClasses(targets, count, targets.length / count) };
    },
  };
}
