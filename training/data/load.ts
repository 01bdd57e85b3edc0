/**
 * Loads a FER2013 CSV into memory as {@link PreparedSplit}s (images, labels and any registered
 * features), without writing a cache. `deno task prepare` is this plus writing files; evaluation can
 * call it directly on a CSV that holds only `PrivateTest`.
 *
 * @module
 */
import { FER_EMOTIONS, FER_PIXELS } from "../../src/face.ts";
import { type PreparedSplit, SPLIT_NAMES, type SplitName } from "./cache.ts";
import { createFeatureExtractor, type FeatureExtractor } from "./features.ts";
import {
  emptyFerCsvStats,
  type FerCsvStats,
  type FerRow,
  readFerCsv,
  type ReadFerCsvOptions,
  validateExpressions,
} from "./fer_csv.ts";

/** Options of {@link loadFerCsvSplits}: those of {@link readFerCsv} plus features to compute. */
export interface LoadFerCsvOptions extends ReadFerCsvOptions {
  /** Registered feature names to compute per image, e.g. `["hog", "hogWindows"]` (default none). */
  features?: string[];
  /** Called after each kept row with its index inside its split (e.g. to write image files). */
  onRow?: (row: FerRow, index: number) => void | Promise<void>;
}

/** What {@link loadFerCsvSplits} returns. */
export interface LoadedFerCsv {
  /** The splits present in the file (absent splits are missing keys), in file split order. */
  splits: Partial<Record<SplitName, PreparedSplit>>;
  /** Class names in stored-label order. */
  labels: string[];
  /** Original emotion ids in stored-label order. */
  expressions: number[];
  /** Feature name -> values per image. */
  featureLengths: Record<string, number>;
  /** Per split: images per stored label. */
  classCounts: Partial<Record<SplitName, number[]>>;
  /** Reader counters (bad rows by kind, filtered, over limit). */
  stats: FerCsvStats;
}

/** A typed array that grows by 1.5x as values are appended. */
class GrowableArray<T extends Uint8Array | Float32Array> {
  data: T;
  length = 0;
  constructor(private readonly make: (n: number) => T, initial: number) {
    this.data = make(initial);
  }
  /** Makes room for `n` more values and returns the offset to write them at. */
  reserve(n: number): number {
    const needed = this.length + n;
    if (needed > this.data.length) {
      const grown = this.make(Math.max(needed, Math.ceil(this.data.length * 1.5)));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    const offset = this.length;
    this.length = needed;
    return offset;
  }
  /** A tight copy of the values. */
  finish(): T {
    return this.data.slice(0, this.length) as T;
  }
}

interface SplitBuilder {
  images: GrowableArray<Uint8Array>;
  labels: GrowableArray<Uint8Array>;
  features: GrowableArray<Float32Array>[];
  classCounts: number[];
}

const INITIAL_IMAGES = 1024;

/**
 * Reads a FER2013 CSV (path or byte stream) into memory, computing the requested features. Splits
 * keep file order; labels are re-indexed by `options.expressions`. Throws what {@link readFerCsv}
 * throws, and an error for unknown or unavailable features before reading anything.
 */
export async function loadFerCsvSplits(
  source: string | ReadableStream<Uint8Array>,
  options: LoadFerCsvOptions = {},
): Promise<LoadedFerCsv> {
  const expressions = validateExpressions(options.expressions ?? FER_EMOTIONS.map((_, i) => i));
  const extractors: FeatureExtractor[] = [];
  try {
    for (const name of options.features ?? []) extractors.push(await createFeatureExtractor(name));
    const stats = options.stats ?? emptyFerCsvStats();
    const builders = new Map<SplitName, SplitBuilder>();
    for await (const row of readFerCsv(source, { ...options, expressions, stats })) {
      let builder = builders.get(row.usage);
      if (!builder) {
        builder = {
          images: new GrowableArray((n) => new Uint8Array(n), INITIAL_IMAGES * FER_PIXELS),
          labels: new GrowableArray((n) => new Uint8Array(n), INITIAL_IMAGES),
          features: extractors.map((e) =>
            new GrowableArray((n) => new Float32Array(n), INITIAL_IMAGES * e.length)
          ),
          classCounts: new Array(expressions.length).fill(0),
        };
        builders.set(row.usage, builder);
      }
      const index = builder.labels.length;
      // Reserve before touching `.data`: reserving may replace the array.
      const imageOffset = builder.images.reserve(FER_PIXELS);
      builder.images.data.set(row.pixels, imageOffset);
      const labelOffset = builder.labels.reserve(1);
      builder.labels.data[labelOffset] = row.label;
      builder.classCounts[row.label]++;
      for (let f = 0; f < extractors.length; f++) {
        const column = builder.features[f];
        const offset = column.reserve(extractors[f].length);
        const pending = extractors[f].extract(row.pixels, column.data, offset);
        if (pending) await pending;
      }
      if (options.onRow) await options.onRow(row, index);
    }
    const splits: LoadedFerCsv["splits"] = {};
    const classCounts: LoadedFerCsv["classCounts"] = {};
    for (const split of SPLIT_NAMES) {
      const builder = builders.get(split);
      if (!builder) continue;
      const features: Record<string, Float32Array> = {};
      extractors.forEach((e, f) => (features[e.name] = builder.features[f].finish()));
      splits[split] = {
        split,
        count: builder.labels.length,
        images: builder.images.finish(),
        labels: builder.labels.finish(),
        features,
      };
      classCounts[split] = builder.classCounts;
    }
    return {
      splits,
      labels: expressions.map((id) => FER_EMOTIONS[id]),
      expressions,
      featureLengths: Object.fromEntries(extractors.map((e) => [e.name, e.length])),
      classCounts,
      stats,
    };
  } finally {
    for (const extractor of extractors) await extractor.close?.();
  }
}
